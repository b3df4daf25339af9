"""Web benchmark: seeds PostgreSQL with a fleet, serves it with hostwatch-web, measures.

.venv/bin/python -m bench.web [--targets 20] [--hours 6]   (from the repository root)

Loads ``--targets`` node-like targets (the test fleet's 34 series each: CPUs, memory,
filesystems, network, disk, load, uname...) scraped every minute for ``--hours`` hours up to now
into a fresh database ``hostwatch_bench`` on 127.0.0.1:5432, starts ``python -m web`` on a free
loopback port, then prints p50 latencies of the overview, a server page and its data, and a
query_range, each from one client, and requests/s of the overview under 16 concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

import httpx
from sqlalchemy import create_engine, text

from scraper.storage import ScrapeRecord, Storage
from tests.web.fleet import MINUTE, scrape
from tests.web.serving import free_port

SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
DATABASE = "hostwatch_bench"
CLIENTS = 16


def fresh_database() -> str:
    admin = create_engine(f"{SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    return f"{SERVER}/{DATABASE}"


def seed(url: str, targets: int, hours: int) -> int:
    now = time.time_ns() // 1_000_000 // MINUTE * MINUTE
    store = Storage.open(url)
    store.upgrade()
    written = 0
    for t in range(now - hours * 60 * MINUTE, now + 1, MINUTE):
        batch: list[ScrapeRecord] = [scrape(f"node{i:02}:9100", t) for i in range(targets)]
        store.write(batch)
        written += sum(len(record.samples) for record in batch)
    store.close()
    return written


def p50(client: httpx.Client, url: str, runs: int = 30) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url).raise_for_status()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


async def throughput(url: str, seconds: float) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            (await client.get(url)).raise_for_status()
            done += 1

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=CLIENTS)) as client:
        await asyncio.gather(*(worker(client) for _ in range(CLIENTS)))
    return done / seconds


def main() -> None:
    flags = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    flags.add_argument("--targets", type=int, default=20)
    flags.add_argument("--hours", type=int, default=6)
    args = flags.parse_args()
    url = fresh_database()
    started = time.perf_counter()
    samples = seed(url, args.targets, args.hours)
    print(f"loaded {args.targets} targets x {args.hours} h at 1/min: {samples} samples "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "web", "--listen", f"127.0.0.1:{port}", "--database-url", url,
         "--log-level", "warning"]
    )  # fmt: skip
    try:
        measure(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(50):
            if _ready(client):
                break
            time.sleep(0.1)
        figures = {
            "overview /": "/",
            "server page /servers/node00:9100 (1h)": "/servers/node00:9100",
            "server data /api/v1/servers/node00:9100": "/api/v1/servers/node00:9100",
            "query_range node_cpu_seconds_total rate 6h": "/api/v1/query_range?metric="
            "node_cpu_seconds_total&fn=rate&start=" + str(time.time() - 6 * 3600),
        }
        for name, path in figures.items():
            print(f"p50 {name}: {p50(client, path):.1f} ms")
    for name, path in (("overview", "/"), ("server data", "/api/v1/servers/node00:9100")):
        rate = asyncio.run(throughput(base + path, 10.0))
        print(f"{name} under {CLIENTS} concurrent clients: {rate:.1f} requests/s")


def _ready(client: httpx.Client) -> bool:
    try:
        return client.get("/health").status_code == 200
    except httpx.TransportError:
        return False


if __name__ == "__main__":
    main()

"""Web benchmark at fleet scale: the real app under uvicorn, over real HTTP on loopback.

.venv/bin/python -m bench.web [--servers 1000] [--days 30] [--reload] [--only NAME]
                               [--database hostwatch_bench_web | --database-url URL]

The first run loads ``--servers`` servers x ``--days`` days of two-minute scrapes into the
PostgreSQL database ``--database`` on 127.0.0.1:5432, or the database ``--database-url`` names
(``sqlite:///PATH`` for a SQLite file) (bench/fleet.py's samples as OpenMetrics
imported through ``db import``'s entry, then compacted and maintained by the storage layer); later
runs keep it and only top it up to now, unless ``--reload``. Then ``python -m web`` serves it on
a free loopback port (twice: as deployed, and with ``--figures-cache 0`` so the overview computes
its figures every time) and each figure is measured from one client (p50/p90/p99 over ``--runs``
requests, each for the next server) and from CLIENTS concurrent ones (requests/s). Every response
is checked for 200.
Last, the weight of the overview and the server page with their scripts and stylesheets.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import itertools
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text

from bench import fleet, loader
from tests.web.serving import free_port

DATABASE = "hostwatch_bench_web"
CLIENTS = 16
Path = Callable[[int], str]
Figure = tuple[str, Path]
"""The base URL of the server that answers it, and its path for the i-th request."""


def prepared(args: argparse.Namespace, url: str) -> None:
    started = time.perf_counter()
    if args.reload or not loader.present(url):
        loader.load(url, args.servers, args.days, time.time_ns() // 1_000_000)
        what = f"loaded {args.servers} servers x {args.days} days at one scrape per 2 min"
    else:
        minutes = loader.top_up(url, time.time_ns() // 1_000_000)
        what = f"kept {url}, topped up by {minutes} min"
    size = loader.size_bytes(url) / 2**30
    print(f"{what} in {time.perf_counter() - started:.0f} s; database {size:.2f} GiB")


def figures(url: str, servers: int, base: str, recomputing: str) -> dict[str, Figure]:
    """Each figure's server and its path for the i-th request; requests walk through servers."""
    explored = _series_ids(url)
    day_ago = str(int(time.time()) - 86_400)
    query = "/api/v1/query_range?start=" + day_ago

    def server(i: int) -> str:
        return "/servers/" + fleet.instance(i % servers)

    def match(i: int) -> str:
        return "&match[]=" + quote(f'instance="{fleet.instance(i % servers)}"')

    return {
        "overview /": (base, lambda i: "/"),
        "overview /, figures recomputed each time": (recomputing, lambda i: "/"),
        "server page, all charts, 24 h": (base, lambda i: server(i) + "?job=node&range=24h"),
        "server page, all charts, 30 d": (base, lambda i: server(i) + "?job=node&range=30d"),
        "query_range 1 server 24 h (cpu rate)": (
            base,
            lambda i: query + "&metric=node_cpu_seconds_total&fn=rate" + match(i),
        ),
        "query_range fleet 24 h (node_load1)": (base, lambda i: query + "&metric=node_load1"),
        "explorer, one counter charted 24 h": (
            base,
            lambda i: server(i) + f"/metrics?job=node&range=24h&series={explored[i % servers]}",
        ),
    }


def _series_ids(url: str) -> list[int]:
    """node_cpu_seconds_total{mode="user"} of each server, in server order."""
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = conn.scalars(
            text(
                "SELECT id FROM series WHERE name = 'node_cpu_seconds_total' "
                """AND labels LIKE '%"mode":"user"%' ORDER BY instance"""
            )
        ).all()
    engine.dispose()
    return list(ids)


def percentiles(client: httpx.Client, path: Path, runs: int) -> tuple[float, float, float]:
    timings = []
    for i in range(runs):
        started = time.perf_counter()
        client.get(path(i)).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return cuts[49], cuts[89], cuts[98]


async def throughput(base: str, path: Path, seconds: float) -> float:
    done = 0
    deadline = time.perf_counter() + seconds
    numbers: Iterator[int] = itertools.count()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            (await client.get(path(next(numbers)))).raise_for_status()
            done += 1

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(CLIENTS)))
    return done / seconds


def measure(chosen: dict[str, Figure], runs: int, seconds: float) -> None:
    print(f"{'figure':42} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {f'req/s x{CLIENTS}':>10}")
    for name, (base, path) in chosen.items():
        with httpx.Client(base_url=base, timeout=60) as client:
            _wait_ready(client)
            for i in range(3):  # first requests warm the app's caches and the connection pool
                client.get(path(i)).raise_for_status()
            p50, p90, p99 = percentiles(client, path, runs)
        rate = asyncio.run(throughput(base, path, seconds))
        print(f"{name:42} {p50:8.1f} {p90:8.1f} {p99:8.1f} {rate:10.1f}", flush=True)


ASSET = re.compile(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"')


def weight(base: str, path: str) -> tuple[int, int]:
    """The page with its scripts and stylesheets: bytes as sent, and gzip-compressed (level 6,
    what nginx and Caddy use by default); each asset counted once."""
    with httpx.Client(base_url=base, timeout=60) as client:
        _wait_ready(client)
        html = client.get(path).raise_for_status().content
        assets = sorted(set(ASSET.findall(html.decode())))
        bodies = [html, *(client.get(asset).raise_for_status().content for asset in assets)]
    return sum(map(len, bodies)), sum(len(gzip.compress(body, 6)) for body in bodies)


def weights(servers: int, base: str) -> None:
    pages = {
        "overview /": "/",
        "server page, 24 h": "/servers/" + fleet.instance(0) + "?job=node&range=24h",
        "server page, 30 d": "/servers/" + fleet.instance(0) + "?job=node&range=30d",
    }
    print(f"{'page weight, HTML + JS + CSS':42} {'raw KB':>8} {'gzip KB':>8}")
    for name, path in pages.items():
        raw, compressed = weight(base, path)
        print(f"{name:42} {raw / 1000:8.1f} {compressed / 1000:8.1f}", flush=True)


def _wait_ready(client: httpx.Client) -> None:
    for _ in range(600):
        try:
            if client.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("hostwatch-web did not answer /health within 60 s")


def main() -> None:
    flags = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    flags.add_argument("--servers", type=int, default=1000)
    flags.add_argument("--days", type=int, default=30)
    flags.add_argument("--reload", action="store_true", help="drop and load the database again")
    flags.add_argument("--runs", type=int, default=50, help="sequential requests per figure")
    flags.add_argument("--seconds", type=float, default=10.0, help="concurrent phase length")
    flags.add_argument("--only", default="", help="measure only the figures whose name has this")
    flags.add_argument("--database", default=DATABASE, help="the PostgreSQL database to use")
    flags.add_argument("--database-url", default="", help="else this one (sqlite:///PATH)")
    args = flags.parse_args()
    url = args.database_url or loader.url_of(args.database)
    prepared(args, url)
    with serving(url) as base, serving(url, "--figures-cache", "0") as recomputing:
        everything = figures(url, args.servers, base, recomputing)
        measure({k: v for k, v in everything.items() if args.only in k}, args.runs, args.seconds)
        weights(args.servers, base)


@contextmanager
def serving(url: str, *extra: str) -> Iterator[str]:
    """``python -m web`` on the database at ``url`` and a free loopback port, until the block
    ends."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "web", "--listen", f"127.0.0.1:{port}", "--database-url",
         url, "--log-level", "warning", *extra]
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()

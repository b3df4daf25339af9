"""How many targets one scraper process keeps on schedule while writing to PostgreSQL.

    .venv/bin/python -m bench.scrape [--targets 1000] [--interval 12] [--seconds 60]

Time-compressed: 1,000 targets every 12 s is the scrape rate of 10,000 targets every 2 min.
A second process serves a real node_exporter body (507 samples, 57 KB) on one 127.0.0.1 port
per target; the real ``hostwatch-scraper`` scrapes them into a fresh PostgreSQL database.
After ``--warmup`` seconds (default: three intervals, time for the first scrapes' half a million
new series to be created) it is measured for ``--seconds``: scrapes done against those
the schedule asked for, schedule lag (from its own histogram), CPU and resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import loader
from bench.exporter import cpu_seconds, free_port, rss_bytes

BODY = Path(__file__).parent.parent / "tests/parser/corpus/node_exporter_1.5.0.prom"
SAMPLES = 510  # per scrape of BODY: its 507 samples and up, scrape_duration_seconds, ..._scraped


async def serve(ports: list[int]) -> None:
    """Answer every request on every port with the node_exporter body (keep-alive)."""
    body = BODY.read_bytes()
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # One request after another on a keep-alive connection, until the scraper closes it.
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(head + body)
                await writer.drain()

    servers = [await asyncio.start_server(answer, "127.0.0.1", port) for port in ports]
    print("ready", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


def metric(text_body: str, name: str) -> float:
    return sum(float(v) for v in re.findall(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text_body, re.M))


def lag_p99(text_body: str) -> str:
    """The upper bound of the histogram bucket holding the 99th percentile."""
    pattern = r'^hostwatch_scraper_schedule_lag_seconds_bucket{le="([^"]+)"} (\S+)$'
    buckets = [(float(le), float(n)) for le, n in re.findall(pattern, text_body, re.M)]
    total = buckets[-1][1]
    return next(f"<= {le:g} s" for le, n in buckets if n >= 0.99 * total)


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports: held open together, so none is handed out twice."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def run(targets: int, interval: float, seconds: float, warmup: float) -> None:
    ports = free_ports(targets)
    database = f"hostwatch_bench_scrape_{secrets.token_hex(3)}"
    loader.recreate(database)
    try:
        measure(ports, loader.url_of(database), interval, seconds, warmup)
    finally:
        loader.drop(database)


def measure(ports: list[int], url: str, interval: float, seconds: float, warmup: float) -> None:
    serve_cmd = [sys.executable, "-m", "bench.scrape", "--serve", ",".join(map(str, ports))]
    with (
        tempfile.TemporaryDirectory() as tmp,
        subprocess.Popen(serve_cmd, stdout=subprocess.PIPE, text=True) as server,
    ):
        if server.stdout is None or server.stdout.readline().strip() != "ready":
            raise SystemExit("the target server did not start")
        config = Path(tmp) / "targets.yml"
        listed = ", ".join(f'"127.0.0.1:{port}"' for port in ports)
        config.write_text(
            f"global: {{scrape_interval: {interval:g}s, scrape_timeout: {min(interval, 10):g}s}}\n"
            f"scrape_configs:\n  - job_name: bench\n    static_configs: [{{targets: [{listed}]}}]\n"
        )
        listen = f"127.0.0.1:{free_port()}"
        command = [
            sys.executable,
            "-m",
            "scraper",
            "--config",
            str(config),
            "--database-url",
            url,
            "--listen",
            listen,
            "--log-level",
            "warning",
        ]
        with subprocess.Popen(command) as scraper:
            try:
                url = f"http://{listen}/metrics"
                report(scraper.pid, url, len(ports), interval, seconds, warmup)
            finally:
                server.terminate()
                stop(scraper)


def stop(scraper: subprocess.Popen[bytes]) -> None:
    """SIGTERM (it flushes its buffer first), then SIGKILL if that takes over a minute."""
    scraper.terminate()
    try:
        scraper.wait(timeout=60)
    except subprocess.TimeoutExpired:
        print("the scraper took over 60 s to flush and stop: killed")
        scraper.kill()


def report(
    pid: int, metrics_url: str, targets: int, interval: float, seconds: float, warmup: float
) -> None:
    time.sleep(warmup)
    before, cpu_before = httpx.get(metrics_url).text, cpu_seconds(pid)
    time.sleep(seconds)
    after, cpu_after = httpx.get(metrics_url).text, cpu_seconds(pid)
    done, failed, written, dropped = (
        metric(after, f"hostwatch_scraper_{name}_total")
        - metric(before, f"hostwatch_scraper_{name}_total")
        for name in ("scrapes", "scrape_failures", "samples_written", "buffer_dropped_samples")
    )
    buffered = [metric(text, "hostwatch_scraper_buffer_samples") for text in (before, after)]
    expected = targets * seconds / interval
    print(
        f"{targets} targets every {interval:g} s (= {targets * 120 / interval:,.0f} targets "
        f"at 2 min), measured {seconds:g} s after {warmup:g} s of warm-up; "
        f"{os.cpu_count()} CPUs, PostgreSQL on the same machine"
    )
    print(
        f"scrapes {done:,.0f} of {expected:,.0f} scheduled ({done / expected:.1%}), "
        f"failed {failed:,.0f}; samples scraped {(done - failed) * SAMPLES / seconds:,.0f}/s, "
        f"written {written / seconds:,.0f}/s, dropped {dropped:,.0f}; "
        f"buffered {buffered[0]:,.0f} -> {buffered[1]:,.0f} samples"
    )
    warm_dropped = metric(before, "hostwatch_scraper_buffer_dropped_samples_total")
    print(f"during the warm-up (first scrapes create every series): {warm_dropped:,.0f} dropped")
    print(
        f"schedule lag p99 {lag_p99(after)} (whole run); scraper CPU "
        f"{(cpu_after - cpu_before) / seconds:.0%} of one core; "
        f"RSS {rss_bytes(pid) / 2**20:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=12.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, help="seconds before measuring (3 intervals)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve([int(port) for port in args.serve.split(",")]))
    else:
        warmup = 3 * args.interval if args.warmup is None else args.warmup
        run(args.targets, args.interval, args.seconds, warmup)


if __name__ == "__main__":
    main()

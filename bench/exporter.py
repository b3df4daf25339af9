"""Scrape hostwatch's exporter and Debian's node_exporter alternately; print latency, CPU, memory.

    .venv/bin/python -m bench.exporter [--scrapes 200] [--cgroups 0,50,200]

Both run on 127.0.0.1 on free ports, started by this script; CPU per scrape is the process's
utime+stime over the run (from /proc/<pid>/stat) divided by its scrapes. Each ``--cgroups``
stage adds real Docker-shaped cgroups with a process each (bench/cgroups.py, needs root) and
measures again; node_exporter does not read cgroups, so it is the same anchor at every stage.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from bench.cgroups import containers

TICKS = os.sysconf("SC_CLK_TCK")
CGROUPS_DURATION = re.compile(
    rb'^node_scrape_collector_duration_seconds\{collector="cgroups"\} (\S+)$', re.MULTILINE
)


@dataclass
class Result:
    name: str
    latencies: list[float]
    cpu_seconds: float
    rss_bytes: int
    body_bytes: int
    samples: int
    collector_seconds: list[float]  # the cgroups collector's own duration, per scrape


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


@contextmanager
def started(command: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    with subprocess.Popen(command, stderr=subprocess.DEVNULL) as process:
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_up(client: httpx.Client, url: str) -> None:
    for _ in range(200):
        try:
            client.get(url)
            return
        except httpx.ConnectError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not come up")


def bench(scrapes: int, stages: list[int]) -> list[tuple[int, list[Result]]]:
    node_exporter = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    if node_exporter is None:
        raise SystemExit("node_exporter is not installed (Debian: prometheus-node-exporter)")
    ports = free_port(), free_port()
    commands = {
        "hostwatch": [sys.executable, "-m", "exporter", "--listen", f"127.0.0.1:{ports[0]}"],
        "node_exporter": [node_exporter, f"--web.listen-address=127.0.0.1:{ports[1]}"],
    }
    urls = {
        "hostwatch": f"http://127.0.0.1:{ports[0]}/metrics",
        "node_exporter": f"http://127.0.0.1:{ports[1]}/metrics",
    }
    with (
        started(commands["hostwatch"]) as ours,
        started(commands["node_exporter"]) as theirs,
        containers() as made,
    ):
        pids = {"hostwatch": ours.pid, "node_exporter": theirs.pid}
        results = []
        for count in stages:
            try:
                made.grow(count)
            except OSError as error:
                raise SystemExit(f"cannot create {count} cgroups: {error} (needs root)") from None
            results.append((count, measure(urls, pids, scrapes)))
        return results


def measure(urls: dict[str, str], pids: dict[str, int], scrapes: int) -> list[Result]:
    latencies: dict[str, list[float]] = {name: [] for name in urls}
    durations: dict[str, list[float]] = {name: [] for name in urls}
    bodies: dict[str, bytes] = {}
    with httpx.Client(headers={"Accept-Encoding": "identity"}) as client:
        for url in urls.values():
            wait_up(client, url)
            client.get(url)  # warm-up: first-scrape imports and caches are not steady state
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        for _ in range(scrapes):
            for name, url in urls.items():
                started_at = time.perf_counter()
                bodies[name] = client.get(url).content
                latencies[name].append(time.perf_counter() - started_at)
                found = CGROUPS_DURATION.search(bodies[name])
                if found:
                    durations[name].append(float(found[1]))
    return [
        Result(
            name,
            latencies[name],
            (cpu_seconds(pids[name]) - cpu_before[name]) / scrapes,
            rss_bytes(pids[name]),
            len(bodies[name]),
            count_samples(bodies[name]),
            durations[name],
        )
        for name in urls
    ]


def count_samples(body: bytes) -> int:
    return sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def report(stages: list[tuple[int, list[Result]]], scrapes: int) -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}; {scrapes} scrapes each, alternating"
    )
    for count, results in stages:
        print(f"\n{count} container cgroups")
        table(results)


def table(results: list[Result]) -> None:
    print(
        f"{'exporter':<14} {'median ms':>9} {'p99 ms':>7} {'CPU ms/scrape':>13} "
        f"{'RSS MB':>7} {'body KB':>8} {'samples':>8}"
    )
    for r in results:
        print(
            f"{r.name:<14} {statistics.median(r.latencies) * 1e3:>9.2f} "
            f"{p99(r.latencies) * 1e3:>7.2f} {r.cpu_seconds * 1e3:>13.2f} "
            f"{r.rss_bytes / 2**20:>7.1f} {r.body_bytes / 1024:>8.1f} {r.samples:>8}"
        )
    ours, theirs = results
    print(
        f"ratios hostwatch/node_exporter: median latency "
        f"{statistics.median(ours.latencies) / statistics.median(theirs.latencies):.2f}x "
        f"(target <= 2x), CPU per scrape {ours.cpu_seconds / theirs.cpu_seconds:.2f}x "
        f"(target <= 3x); hostwatch RSS {ours.rss_bytes / 2**20:.1f} MB (target <= 40 MB)"
    )
    if ours.collector_seconds:
        print(
            f"cgroups collector: median {statistics.median(ours.collector_seconds) * 1e3:.2f} ms "
            "per scrape (node_scrape_collector_duration_seconds)"
        )


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--scrapes", type=int, default=200)
    arguments.add_argument(
        "--cgroups", default="0,50,200", help="container cgroups at each stage (comma-separated)"
    )
    parsed = arguments.parse_args()
    stages = [int(count) for count in parsed.cgroups.split(",")]
    report(bench(parsed.scrapes, stages), parsed.scrapes)


if __name__ == "__main__":
    main()

"""Rule group benchmark: one round of five node_exporter host rules (the expressions of
tests/alerts/hostrules.py with Prometheus's usual 2m and 5m windows) over a day of real
node_exporter samples (bench/day.py), beside Debian's Prometheus on the same data.

.venv/bin/python -m bench.rules [--rounds 60]

hostwatch: GroupRunner.evaluate, as the scraper's alerting timer runs a group (in process,
SQLite), with the expressions parsed once when the file is read; beside it, round for round,
the same group with its expressions parsed again each round (what each evaluation did before
they were parsed at load); and a group of three recording rules and an alert on one of them
(its samples stored in SQLite each round, as the scraper does). Prometheus: the same five
expressions as instant queries on its HTTP API (loopback), which is what its rule manager
evaluates, plus the HTTP cost hostwatch does not pay here. Rounds are spread evenly over the
day.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.day import backfill, capture, prometheus
from promql import EngineLimits
from scraper.alerts.expressions import GroupRunner
from scraper.alerts.model import Expression, GroupRule, RecordingRule, RuleGroup
from scraper.telemetry import Telemetry
from storage import Storage

DAY_MS = 86_400_000
EXPRESSIONS = {
    "HostOutOfMemory": "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10",
    "HostHighCpuLoad": (
        '100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100) > 80'
    ),
    "HostOutOfDiskSpace": (
        'node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs"} * 100 / node_filesystem_size_bytes < 10'
    ),
    "HostUnusualDiskReadRate": (
        "sum by (instance) (rate(node_disk_read_bytes_total[5m])) / 1024 / 1024 > 50"
    ),
    "HostUnusualNetworkThroughputIn": (
        "sum by (instance) (rate(node_network_receive_bytes_total[5m])) / 1024 / 1024 > 100"
    ),
}


RECORDED = {  # node-mixin style recording rules, and an alert reading one of them
    "instance:node_cpu_utilisation:rate5m": (
        '1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{mode="idle"}[5m])))'
    ),
    "instance:node_memory_utilisation:ratio": (
        "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes"
    ),
    "instance:node_network_receive_bytes_excluding_lo:rate5m": (
        'sum without (device) (rate(node_network_receive_bytes_total{device!="lo"}[5m]))'
    ),
}
RECORDING = RuleGroup(
    "node-recording",
    60.0,
    (
        *(RecordingRule(name, Expression.of(expr)) for name, expr in RECORDED.items()),
        GroupRule("HostMemoryUtilisationHigh", Expression.of(
            "instance:node_memory_utilisation:ratio > 0.9"
        )),
    ),
)  # fmt: skip


def group() -> RuleGroup:
    """The five rules, their expressions parsed now."""
    rules = (GroupRule(name, Expression.of(expr)) for name, expr in EXPRESSIONS.items())
    return RuleGroup("node-exporter", 60.0, tuple(rules))


def summary(name: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    print(f"{name:>12}: p50 {statistics.median(ms):7.2f} ms  p99 {p99:7.2f} ms per round")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        store = Storage.open(f"sqlite:///{workdir / 'day.db'}")
        store.upgrade()
        day, openmetrics = capture(workdir, store)
        backfill(openmetrics, workdir / "data")
        times = [day.end_ms - DAY_MS + (i + 1) * DAY_MS // args.rounds for i in range(args.rounds)]
        runner = GroupRunner(store, Telemetry(), EngineLimits())
        loaded = group()
        ours, reparsed, parsing, recording = [], [], [], []
        for t in times:
            began = time.perf_counter()
            runner.evaluate(loaded, t)
            ours.append(time.perf_counter() - began)
            began = time.perf_counter()
            fresh = group()
            parsing.append(time.perf_counter() - began)
            runner.evaluate(fresh, t)
            reparsed.append(time.perf_counter() - began)
            began = time.perf_counter()
            runner.evaluate(RECORDING, t)
            recording.append(time.perf_counter() - began)
        theirs = []
        with prometheus(workdir / "data", workdir) as api, httpx.Client(timeout=60) as client:
            for t in times:
                began = time.perf_counter()
                for expr in EXPRESSIONS.values():
                    answer = client.get(f"{api}/query", params={"query": expr, "time": t / 1000})
                    answer.raise_for_status()
                theirs.append(time.perf_counter() - began)
        print(f"five host rules, {args.rounds} rounds over a day of one node_exporter")
        summary("hostwatch", ours)
        summary("reparsed", reparsed)
        summary("parse alone", parsing)
        summary("recording", recording)
        summary("prometheus", theirs)
        store.close()


if __name__ == "__main__":
    main()

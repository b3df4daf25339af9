"""PromQL benchmark: hostwatch's /prometheus API beside Debian's Prometheus, on the same data.

.venv/bin/python -m bench.promql [--servers 1000] [--runs 3] [--skip-fleet]

Dashboard: a day of real node_exporter samples (bench/day.py) in hostwatch's SQLite
storage and backfilled into Prometheus; every Node Exporter Full query that Prometheus answers
with data, over 24 h at Grafana's step for a day on a 720-pixel panel (2 min, so
$__rate_interval is 8 min), each asked --runs times of both over HTTP on loopback: total per
run and p50/p99 per query.

Fleet: --servers servers x 24 h of two-minute scrapes of node_cpu_seconds_total (two CPUs,
three modes) written by Storage.write into PostgreSQL (database hostwatch_bench_promql, made
anew) and into OpenMetrics backfilled into Prometheus; then the fleet-wide CPU query over 24 h
at a 2-minute step.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench import loader
from bench.day import JOB, backfill, capture, prometheus, write_openmetrics
from model.samples import Sample
from storage import ScrapeRecord, Storage
from tests.exporter.test_compat_dashboard import panel_queries
from tests.web.serving import serving
from web.app import create_app
from web.http.state import Settings

DAY_S = 86_400
STEP = "120"
RATE_INTERVAL = "8m"
FLEET_DATABASE = "hostwatch_bench_promql"
SCRAPE_MS = 120_000
FLEET_QUERY = 'avg by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))'
SETTINGS = Settings(allowed_hosts=("127.0.0.1",), open_without_users=True)
Ask = Callable[[str], float]


def timed_range(base: str, start: int, end: int) -> Ask:
    """A function that asks ``base``'s query_range a query; returns seconds, checks data."""

    def ask(query: str) -> float:
        params = {"query": query, "start": str(start), "end": str(end), "step": STEP}
        began = time.perf_counter()
        response = httpx.get(f"{base}/query_range", params=params, timeout=300)
        took = time.perf_counter() - began
        response.raise_for_status()
        return took

    return ask


def answered(base: str, queries: list[str], start: int, end: int) -> list[str]:
    kept = []
    for query in queries:
        params = {"query": query, "start": str(start), "end": str(end), "step": STEP}
        data = httpx.get(f"{base}/query_range", params=params, timeout=300).json()["data"]
        if data["result"]:
            kept.append(query)
    return kept


def report(name: str, asks: dict[str, Ask], queries: list[str], runs: int) -> None:
    figures: dict[str, tuple[float, float, float]] = {}
    for side, ask in asks.items():
        per_query: list[float] = []
        totals = []
        for _ in range(runs):
            times = [ask(q) for q in queries]
            totals.append(sum(times))
            per_query.extend(times)
        cuts = statistics.quantiles(per_query, n=100) if len(per_query) > 1 else per_query * 99
        figures[side] = (min(totals), cuts[49], cuts[98])
    print(f"\n{name}: {len(queries)} queries, best of {runs} runs")
    print(f"{'':12}{'total s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for side, (total, p50, p99) in figures.items():
        print(f"{side:12}{total:10.2f}{p50 * 1000:10.1f}{p99 * 1000:10.1f}")
    ours, theirs = figures["hostwatch"], figures["prometheus"]
    ratios = "".join(
        f"{mine / reference:10.2f}" for mine, reference in zip(ours, theirs, strict=True)
    )
    print(f"{'ratio':12}{ratios}")


def dashboard(workdir: Path, runs: int) -> None:
    store = Storage.open(f"sqlite:///{workdir / 'day.db'}")
    store.upgrade()
    began = time.perf_counter()
    day, openmetrics = capture(workdir, store)
    backfill(openmetrics, workdir / "day-data")
    print(f"captured and backfilled a day in {time.perf_counter() - began:.0f} s")
    queries = [
        q.replace("$__rate_interval", RATE_INTERVAL)
        .replace("$node", day.instance)
        .replace("$job", JOB)
        for q in dict.fromkeys(panel_queries())
    ]
    end = day.end_ms // 1000
    with (
        prometheus(workdir / "day-data", workdir) as theirs,
        serving(create_app(store, SETTINGS)) as url,
    ):
        ours = f"{url}/prometheus/api/v1"
        kept = answered(theirs, queries, end - DAY_S, end)
        asks = {
            "hostwatch": timed_range(ours, end - DAY_S, end),
            "prometheus": timed_range(theirs, end - DAY_S, end),
        }
        report("Node Exporter Full, one server, 24 h at 2 min", asks, kept, runs)
    store.close()


def fleet(workdir: Path, servers: int, runs: int) -> None:
    began = time.perf_counter()
    end_ms = (time.time_ns() // 1_000_000) // SCRAPE_MS * SCRAPE_MS
    loader.recreate(FLEET_DATABASE)
    store = Storage.open(loader.url_of(FLEET_DATABASE), clock=lambda: end_ms)
    store.upgrade()
    openmetrics = workdir / "fleet.om"
    with open(openmetrics, "w") as out:
        for t in range(end_ms - DAY_S * 1000 - 600_000, end_ms + 1, SCRAPE_MS):
            records = [_cpu_scrape(server, t) for server in range(servers)]
            store.write(records)
            for record in records:
                write_openmetrics(out, record.samples, t)
        out.write("# EOF\n")
    backfill(openmetrics, workdir / "fleet-data")
    openmetrics.unlink()
    print(f"\nfleet of {servers} servers x 24 h loaded in {time.perf_counter() - began:.0f} s")
    end = end_ms // 1000
    app = create_app(store, SETTINGS)
    with prometheus(workdir / "fleet-data", workdir) as theirs, serving(app) as url:
        asks = {
            "hostwatch": timed_range(f"{url}/prometheus/api/v1", end - DAY_S, end),
            "prometheus": timed_range(theirs, end - DAY_S, end),
        }
        what = f"fleet-wide {FLEET_QUERY}, {servers} servers, 24 h at 2 min"
        report(what, asks, [FLEET_QUERY], runs)
    store.close()


def _cpu_scrape(server: int, t: int) -> ScrapeRecord:
    """One server's two CPUs in three modes, each a counter at its own steady rate."""
    instance = f"node{server:04}:9100"
    samples = [
        Sample(
            "node_cpu_seconds_total",
            (("cpu", cpu), ("instance", instance), ("job", JOB), ("mode", mode)),
            rate * (1 + server % 7 / 10) * t / 1000 % 1e7,
        )
        for cpu in ("0", "1")
        for mode, rate in (("idle", 0.7), ("user", 0.22), ("system", 0.06))
    ]
    return ScrapeRecord(JOB, instance, (), t, 0.01, None, samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-fleet", action="store_true")
    parser.add_argument("--skip-dashboard", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-promql-") as directory:
        workdir = Path(directory)
        if not args.skip_dashboard:
            dashboard(workdir, args.runs)
        if not args.skip_fleet:
            fleet(workdir, args.servers, args.runs)


if __name__ == "__main__":
    main()

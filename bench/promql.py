"""PromQL benchmark: hostwatch's /prometheus API beside Debian's Prometheus, on the same data.

.venv/bin/python -m bench.promql [--servers 1000] [--runs 3] [--skip-fleet]

Dashboard: a day of real node_exporter samples (tests/promql/day.py) in hostwatch's SQLite
storage and backfilled into Prometheus; every Node Exporter Full query that Prometheus answers
with data, over 24 h at Grafana's step for a day on a 720-pixel panel (2 min, so
$__rate_interval is 8 min), each asked --runs times of both over HTTP on loopback: total per
run and p50/p99 per query.

Fleet: --servers servers x 24 h of two-minute scrapes in PostgreSQL (bench/fleet.py, database
hostwatch_bench_promql, kept between runs), node_cpu_seconds_total exported to OpenMetrics and
backfilled into Prometheus; then the fleet-wide CPU query over 24 h at a 2-minute step.
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
from storage import SelectLimits, Storage
from tests.exporter.test_compat_dashboard import panel_queries
from tests.promql.day import JOB, backfill, capture, labels_text, number, prometheus
from tests.web.serving import serving
from web.app import create_app
from web.http.state import Settings

DAY_S = 86_400
STEP = "120"
RATE_INTERVAL = "8m"
FLEET_DATABASE = "hostwatch_bench_promql"
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
    if not loader.exists(FLEET_DATABASE):
        loader.load(FLEET_DATABASE, servers, 1, time.time_ns() // 1_000_000)
    store = Storage.open(loader.url_of(FLEET_DATABASE))
    end_ms = _newest(store)
    openmetrics = workdir / "fleet.om"
    _export(store, "node_cpu_seconds_total", end_ms, openmetrics)
    backfill(openmetrics, workdir / "fleet-data")
    openmetrics.unlink()
    print(f"\nfleet of {servers} servers ready in {time.perf_counter() - began:.0f} s")
    end = end_ms // 1000
    with (
        prometheus(workdir / "fleet-data", workdir) as theirs,
        serving(create_app(store, SETTINGS)) as url,
    ):
        asks = {
            "hostwatch": timed_range(f"{url}/prometheus/api/v1", end - DAY_S, end),
            "prometheus": timed_range(theirs, end - DAY_S, end),
        }
        report(
            f"fleet-wide {FLEET_QUERY}, {servers} servers, 24 h at 2 min", asks, [FLEET_QUERY], runs
        )
    store.close()


def _newest(store: Storage) -> int:
    found = store.select(
        "node_load1", [], 0, time.time_ns() // 1_000_000, SelectLimits(10**7, 10**9)
    )
    return max(int(s.t[-1]) for s in found)


def _export(store: Storage, metric: str, end_ms: int, path: Path) -> None:
    limits = SelectLimits(10**7, 10**9)
    with open(path, "w") as out:
        for found in store.select(metric, [], end_ms - DAY_S * 1000 - 600_000, end_ms, limits):
            head = f"{metric}{{{labels_text(found.series.labels)}}}"
            points = zip(found.t.tolist(), found.values.tolist(), strict=True)
            out.writelines(f"{head} {number(v)} {t / 1000:.3f}\n" for t, v in points)
        out.write("# EOF\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-fleet", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-promql-") as directory:
        workdir = Path(directory)
        dashboard(workdir, args.runs)
        if not args.skip_fleet:
            fleet(workdir, args.servers, args.runs)


if __name__ == "__main__":
    main()

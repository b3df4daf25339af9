"""Storage benchmark: prints figures, asserts nothing. 127.0.0.1 and local files only.

    .venv/bin/python -m bench.storage write       # samples/s and bytes/sample, both backends
    .venv/bin/python -m bench.storage compaction  # compaction's samples/s, writes while it runs
    .venv/bin/python -m bench.storage dashboard   # 30 days x 100 servers x 40 series, PostgreSQL
    .venv/bin/python -m bench.storage rollups --servers 10 --days 3   # hourly tier size, PostgreSQL
    .venv/bin/python -m bench.storage density     # bytes/sample beside Prometheus's TSDB

Uses its own PostgreSQL databases (hostwatch_bench_*), recreated on every run.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy import create_engine, text
from sqlalchemy.dialects.postgresql import insert

from bench import day, density, imports, loader
from model.matchers import Matcher
from model.samples import Sample
from storage import RangeQuery, ScrapeRecord, Storage
from storage.schema import samples

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR

# The ~40 series a server page reads: (name, extra labels, counter rate per second or None).
DASHBOARD: list[tuple[str, dict[str, str], float | None]] = [
    *(
        ("node_cpu_seconds_total", {"cpu": str(cpu), "mode": mode}, rate)
        for cpu in range(2)
        for mode, rate in [
            ("idle", 0.7),
            ("user", 0.15),
            ("system", 0.08),
            ("iowait", 0.03),
            ("irq", 0.01),
            ("softirq", 0.01),
            ("nice", 0.01),
            ("steal", 0.01),
        ]
    ),
    *(
        (f"node_memory_{name}_bytes", {}, None)
        for name in ("MemTotal", "MemAvailable", "MemFree", "Buffers", "Cached", "SwapFree")
    ),
    *(
        (f"node_network_{way}_{unit}_total", {"device": device}, rate)
        for device in ("eth0", "lo")
        for way in ("receive", "transmit")
        for unit, rate in (("bytes", 125_000.0), ("packets", 120.0))
    ),
    *((f"node_load{n}", {}, None) for n in (1, 5, 15)),
    *(
        (f"node_filesystem_{what}_bytes", {"mountpoint": mount}, None)
        for what in ("avail", "size")
        for mount in ("/", "/var")
    ),
    *(
        (f"node_disk_{what}_bytes_total", {"device": "vda"}, 40_000.0)
        for what in ("read", "written")
    ),
    ("node_boot_time_seconds", {}, None),
]
FILLER = 500 - len(DASHBOARD)


def instance(n: int) -> str:
    return f"server{n:03d}:9100"


def series_of(n: int, full: bool) -> list[tuple[str, tuple[tuple[str, str], ...], float | None]]:
    """A server's series with sorted labels: node_exporter-sized (500) or the dashboard's 40."""
    filler = [(f"node_filler_{k % 46}", {"device": f"dev{k // 46}"}, None) for k in range(FILLER)]
    chosen = DASHBOARD + (filler if full else [])
    base = {"job": "node", "instance": instance(n)}
    return [(name, tuple(sorted({**base, **extra}.items())), rate) for name, extra, rate in chosen]


def scrape(
    n: int, t_ms: int, series: list[tuple[str, tuple[tuple[str, str], ...], float | None]]
) -> ScrapeRecord:
    values = [
        Sample(name, labels, rate * t_ms / 1000 if rate else 1e9 * (1 + math.sin(t_ms / HOUR + n)))
        for name, labels, rate in series
    ]
    return ScrapeRecord("node", instance(n), (), t_ms, 0.05, None, values)


@contextmanager
def postgresql(name: str, keep: bool = False) -> Iterator[str]:
    """The URL of database `name`, recreated empty unless `keep`."""
    if not keep:
        loader.recreate(name)
    yield loader.url_of(name)


_STORED = (
    "SELECT (SELECT count(*) FROM samples) + (SELECT coalesce(sum(count), 0) FROM sample_chunks)"
)


def bytes_per_sample_postgresql(url: str) -> tuple[int, float]:
    """Samples stored (plain rows and chunks) and the bytes of both tables per sample."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.scalar(text(_STORED)) or 0
        size = conn.scalar(
            text(
                "SELECT sum(pg_total_relation_size(inhrelid)) "
                "+ pg_total_relation_size('sample_chunks') FROM pg_inherits "
                "WHERE inhparent = 'samples'::regclass"
            )
        )
    engine.dispose()
    return rows, int(size or 0) / max(rows, 1)


def bytes_per_sample_sqlite(path: Path) -> tuple[int, float]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.scalar(text(_STORED)) or 0
        pages = conn.scalar(text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'sample%'"))
    engine.dispose()
    return rows, int(pages or 0) / max(rows, 1)


def timed_writes(store: Storage, batches: list[list[ScrapeRecord]]) -> float:
    """Samples per second over `batches`, each one write() call."""
    started = time.perf_counter()
    for batch in batches:
        store.write(batch)
    elapsed = time.perf_counter() - started
    return sum(len(r.samples) for b in batches for r in b) / elapsed


def write_batches(
    first_ms: int, count: int, per_batch: int, servers: int
) -> list[list[ScrapeRecord]]:
    """`count` batches of `per_batch` scrapes, round-robin over `servers`, 15 s apart per server."""
    shapes = [series_of(n, full=True) for n in range(servers)]
    scrapes = (
        scrape(i % servers, first_ms + (i // servers) * 15_000, shapes[i % servers])
        for i in range(count * per_batch)
    )
    return [[next(scrapes) for _ in range(per_batch)] for _ in range(count)]


def bench_write(url: str, label: str, batches: int) -> None:
    store = Storage.open(url)
    store.upgrade()
    first_ms = (time.time_ns() // 1_000_000) - HOUR
    store.write(write_batches(first_ms - 15_000, 1, 10, 10)[0])  # creates the 5000 series
    for per_batch in (10, 1):
        data = write_batches(
            first_ms + per_batch * DAY // 100, batches * 10 // per_batch, per_batch, 10
        )
        rate = timed_writes(store, data)
        print(f"{label}: {rate:,.0f} samples/s written, {per_batch * 500} samples per write()")
    store.close()


def bench_executemany(url: str, batches: int) -> None:
    """The same rows through SQLAlchemy executemany (insertmanyvalues), for comparison with COPY."""
    store = Storage.open(url)
    store.upgrade()
    first_ms = (time.time_ns() // 1_000_000) - HOUR
    store.write(write_batches(first_ms, 1, 10, 10)[0])
    ids = [s.id for s in store.series(None, [])]
    engine = create_engine(url)
    statement = insert(samples).on_conflict_do_nothing()
    started = time.perf_counter()
    for b in range(batches):
        rows = [{"series_id": i, "t": first_ms + (b + 1) * 15_000, "value": 1.5} for i in ids]
        with engine.begin() as conn:
            conn.execute(statement, rows)
    elapsed = time.perf_counter() - started
    rate = batches * len(ids) / elapsed
    print(f"postgresql executemany: {rate:,.0f} samples/s, {len(ids)} rows per transaction")
    engine.dispose()
    store.close()


def run_write(batches: int) -> None:
    with postgresql("hostwatch_bench_write") as url:
        bench_write(url, "postgresql COPY", batches)
        rows, size = bytes_per_sample_postgresql(url)
        print(
            f"postgresql: {size:.1f} bytes/sample on disk (samples partitions + PK), {rows:,} rows"
        )
    with postgresql("hostwatch_bench_executemany") as url:
        bench_executemany(url, batches)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        bench_write(f"sqlite:///{path}", "sqlite executemany", batches)
        rows, size = bytes_per_sample_sqlite(path)
        print(
            f"sqlite: {size:.1f} bytes/sample on disk (samples table, WITHOUT ROWID), {rows:,} rows"
        )


def dashboard_data(servers: int, start_ms: int, end_ms: int) -> imports.Write:
    """2-minute scrapes in [start_ms, end_ms) of the 40 dashboard series of each server, as
    OpenMetrics lines."""
    shapes = [series_of(n, full=False) for n in range(servers)]

    def write(out: TextIO) -> None:
        for t in range(start_ms, end_ms, 2 * MINUTE):
            for n in range(servers):
                day.write_openmetrics(out, scrape(n, t, shapes[n]).samples, t)

    return write


def load_dashboard_data(store: Storage, servers: int, start_ms: int, end_ms: int) -> None:
    """The dashboard series of [start_ms, end_ms) through db import."""
    timed = imports.generated_and_imported(store, dashboard_data(servers, start_ms, end_ms), end_ms)
    days = (end_ms - start_ms) / DAY
    print(f"loaded {servers} servers x {len(DASHBOARD)} series x {days:g} days at 2 min: {timed}")


def latencies(run: Callable[[str], object], servers: int, repeat: int) -> str:
    picks = [instance(random.randrange(servers)) for _ in range(repeat)]
    times = []
    for pick in picks:
        started = time.perf_counter()
        run(pick)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, math.ceil(0.99 * len(times)) - 1)]
    p50 = statistics.median(times)
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms over {repeat} queries of random servers"


def dashboard_queries(store: Storage, end_ms: int) -> dict[str, Callable[[str], object]]:
    def query(metric: str, fn: str, span: int, step: int, **labels: str) -> Callable[[str], object]:
        def run(server: str) -> object:
            matchers = [
                Matcher("instance", "=", server),
                *(Matcher(k, "=~", v) for k, v in labels.items()),
            ]
            return store.query_range(RangeQuery(metric, matchers, end_ms - span, end_ms, step, fn))  # type: ignore[arg-type]

        return run

    return {
        "cpu rate by mode, 24 h, 5 min step": query(
            "node_cpu_seconds_total", "rate", DAY, 5 * MINUTE
        ),
        "memory available, 24 h, 5 min step": query(
            "node_memory_MemAvailable_bytes", "avg", DAY, 5 * MINUTE
        ),
        "network receive rate, 24 h, 5 min step": query(
            "node_network_receive_bytes_total", "rate", DAY, 5 * MINUTE
        ),
        "cpu rate by mode, 30 d, 1 h step (rollups)": query(
            "node_cpu_seconds_total", "rate", 30 * DAY, HOUR
        ),
        "latest values of a server": lambda server: store.latest("node", server),
    }


def load_and_maintain(url: str, servers: int, days: int) -> None:
    end_ms = time.time_ns() // 1_000_000
    end_ms -= end_ms % (2 * MINUTE)
    store = Storage.open(url)
    store.upgrade()
    load_dashboard_data(store, servers, end_ms - days * DAY, end_ms)
    started = time.perf_counter()
    report = store.maintain(end_ms)
    took = time.perf_counter() - started
    print(
        f"maintain(): {report.samples_compacted:,} samples compacted "
        f"({report.windows_compacted} days) in {took:.1f} s"
    )
    store.close()


def measure_queries(url: str, servers: int, repeat: int) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        newest = (
            "SELECT greatest((SELECT max(t) FROM samples), (SELECT max(last_t) FROM sample_chunks))"
        )
        end_ms = int(conn.scalar(text(newest)) or 0) + 2 * MINUTE
    engine.dispose()
    rows, size = bytes_per_sample_postgresql(url)
    print(f"postgresql: {size:.1f} bytes/sample on disk, {rows:,} rows")
    # The clock reads the end of the loaded data, as if the last scrape had just happened.
    store = Storage.open(url, clock=lambda: end_ms)
    for name, run in dashboard_queries(store, end_ms).items():
        print(f"{name}: {latencies(run, servers, repeat)}")
    store.close()


def bytes_per_tier_hour(url: str) -> tuple[int, float]:
    """Series-hours in the hourly tier and its bytes on disk per series-hour."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.scalar(text("SELECT count(*) FROM rollup_chunks")) or 0
        size = conn.scalar(text("SELECT pg_total_relation_size('rollup_chunks')"))
    engine.dispose()
    return rows * 24, int(size or 0) / max(rows * 24, 1)


def run_rollups(servers: int, days: int) -> None:
    with postgresql("hostwatch_bench_rollups") as url:
        load_and_maintain(url, servers, days)
        hours, size = bytes_per_tier_hour(url)
        print(f"postgresql: {size:.1f} bytes per series-hour in the hourly tier, {hours:,} hours")


def run_dashboard(servers: int, days: int, repeat: int, reuse: bool) -> None:
    with postgresql("hostwatch_bench_dashboard", keep=reuse) as url:
        if not reuse:
            load_and_maintain(url, servers, days)
        measure_queries(url, servers, repeat)


def run_compaction(servers: int, batches: int) -> None:
    """Compaction alone, then writes with compaction running: two closed days of the dashboard
    series imported; maintain() with a clock that has only the first day closed, timed alone;
    then the second day compacted by maintain() in a thread while write() stores today's
    scrapes (500 series per target, batches of 10) in this one, and the same writes again
    with no compaction, for the ratio."""
    with postgresql("hostwatch_bench_compaction") as url:
        now_ms = time.time_ns() // 1_000_000
        today = now_ms - now_ms % DAY
        store = Storage.open(url)
        store.upgrade()
        load_dashboard_data(store, servers, today - 2 * DAY, today)
        alone = _timed_maintain(store, today - DAY + HOUR)
        print(f"compaction alone: {alone}")
        data = write_batches(today + MINUTE, batches + 1, 10, 10)
        store.write(data[0])  # creates the series of the write targets
        with ThreadPoolExecutor(1) as pool:
            compacting = pool.submit(_timed_maintain, Storage.open(url), now_ms)
            rate = timed_writes(store, data[1:])
            print(f"write() with compaction running: {rate:,.0f} samples/s")
            print(f"compaction while writing: {compacting.result()}")
        later = write_batches(today + 6 * HOUR, batches, 10, 10)
        print(f"write() alone, same batches: {timed_writes(store, later):,.0f} samples/s")
        store.close()


def _timed_maintain(store: Storage, now_ms: int) -> str:
    started = time.perf_counter()
    report = store.maintain(now_ms)
    took = time.perf_counter() - started
    store.close()
    rate = report.samples_compacted / took
    return f"{report.samples_compacted:,} samples compacted in {took:.1f} s ({rate:,.0f}/s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["write", "compaction", "dashboard", "rollups", "density"])
    parser.add_argument("--batches", type=int, default=200, help="write: 5000-sample batches")
    parser.add_argument("--servers", type=int, default=100)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=200, help="dashboard: queries per figure")
    parser.add_argument("--reuse", action="store_true", help="dashboard: query the last load")
    parser.add_argument("--scrapes", type=int, default=720, help="density: scrapes (2 min apart)")
    parser.add_argument(
        "--interval", type=float, default=0.1, help="density: real seconds between scrapes"
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    if args.part == "write":
        run_write(args.batches)
    elif args.part == "compaction":
        run_compaction(args.servers, args.batches)
    elif args.part == "density":
        density.run(args.scrapes, args.interval)
    elif args.part == "rollups":
        run_rollups(args.servers, args.days)
    else:
        run_dashboard(args.servers, args.days, args.repeat, args.reuse)


if __name__ == "__main__":
    main()

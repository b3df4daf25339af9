"""Bytes per sample: hostwatch's store (PostgreSQL, SQLite) beside Prometheus's TSDB, on one
day of real node_exporter samples.

    .venv/bin/python -m bench.storage density [--scrapes 720] [--interval 0.1]

Debian's prometheus-node-exporter is scraped ``--scrapes`` times, ``--interval`` seconds
apart (bench/day.py); the scrapes are stamped 2 minutes apart over yesterday (UTC), so the
day is closed and compacted like any other. The samples are written once as an OpenMetrics
file with timestamps. hostwatch: the file imported through ``db import``'s entry
(bench/imports.py; its throughput is printed), then maintain(); the figure is the database's
growth from its empty schema. Prometheus: the same file backfilled with `promtool tsdb
create-blocks-from openmetrics`, then a Prometheus started on the blocks until it has
compacted them.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy import create_engine, text

from bench import day, imports, loader
from storage import ScrapeRecord, Storage

MINUTE = 60_000
DAY = 24 * 60 * MINUTE


def hostwatch_postgresql(source: Path, now_ms: int) -> dict[str, int]:
    name = "hostwatch_bench_density"
    loader.recreate(name)
    url = loader.url_of(name)
    store = Storage.open(url, clock=lambda: now_ms)
    store.upgrade()
    before = _pg_sizes(url)
    _load(store, source, now_ms)
    after = _pg_sizes(url)
    loader.drop(name)
    return {key: after[key] - before.get(key, 0) for key in after}


def _pg_sizes(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))
        total = int(conn.scalar(text("SELECT pg_database_size(current_database())")) or 0)
        parts = {
            table: int(conn.scalar(text(f"SELECT pg_total_relation_size('{table}')")) or 0)
            for table in ("sample_chunks", "rollup_chunks", "series", "samples")
        }
        parts["samples"] = int(
            conn.scalar(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
                    "WHERE inhparent = 'samples'::regclass"
                )
            )
            or 0
        )
    engine.dispose()
    return {"database": total, **parts}


def hostwatch_sqlite(source: Path, now_ms: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "density.db"
        store = Storage.open(f"sqlite:///{path}", clock=lambda: now_ms)
        store.upgrade()
        before = _sqlite_sizes(path)
        _load(store, source, now_ms)
        after = _sqlite_sizes(path)
    return {key: after[key] - before.get(key, 0) for key in after}


def _sqlite_sizes(path: Path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        page = int(conn.exec_driver_sql("PRAGMA page_size").scalar() or 0)
        free = int(conn.exec_driver_sql("PRAGMA freelist_count").scalar() or 0)
        parts = {
            table: int(
                conn.scalar(
                    text(f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = '{table}'")
                )
                or 0
            )
            for table in ("sample_chunks", "rollup_chunks", "series", "samples")
        }
    engine.dispose()
    return {"database": path.stat().st_size - free * page, "file": path.stat().st_size, **parts}


def _load(store: Storage, source: Path, now_ms: int) -> None:
    timed = imports.imported(store, source, now_ms)
    started = time.perf_counter()
    report = store.maintain(now_ms)
    took = time.perf_counter() - started
    store.close()
    print(
        f"  {timed}; maintain {took:.1f} s, {report.samples_compacted:,} compacted "
        f"({report.samples_compacted / took:,.0f} samples/s) into "
        f"{report.windows_compacted} window(s)"
    )


def openmetrics(recs: Sequence[ScrapeRecord]) -> imports.Write:
    def write(out: TextIO) -> None:
        for record in recs:
            day.write_openmetrics(out, record.samples, record.timestamp_ms)

    return write


def prometheus(source: Path) -> dict[str, int]:
    """Prometheus's TSDB size for the samples: backfilled blocks, compacted by a Prometheus."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        day.backfill(source, data)
        backfilled = _blocks(data)
        _compact(Path(folder), data)
        return {
            "database": sum(f.stat().st_size for f in data.rglob("*") if f.is_file()),
            "chunks": sum(f.stat().st_size for f in data.glob("*/chunks/*")),
            "index": sum(f.stat().st_size for f in data.glob("*/index")),
            "blocks before": backfilled,
            "blocks after": _blocks(data),
        }


def _blocks(data: Path) -> int:
    return sum(1 for d in data.iterdir() if (d / "meta.json").exists())


def _compact(folder: Path, data: Path) -> None:
    """Run a Prometheus on ``data`` until its block count has stayed put for 70 s (it plans
    compactions once a minute), at most 5 minutes."""
    with day.prometheus(data, folder):
        blocks, steady_since, deadline = _blocks(data), time.monotonic(), time.monotonic() + 300
        while time.monotonic() < deadline and time.monotonic() - steady_since < 70:
            time.sleep(2)
            if (now := _blocks(data)) != blocks:
                blocks, steady_since = now, time.monotonic()


def run(scrapes: int, interval_s: float) -> None:
    now_ms = time.time_ns() // 1_000_000
    yesterday = now_ms - now_ms % DAY - DAY
    recs = list(day.scrapes(yesterday + (scrapes - 1) * day.INTERVAL_MS, scrapes, interval_s))
    samples = sum(len(r.samples) for r in recs)
    series = len({(s.name, s.labels) for r in recs for s in r.samples})
    print(f"{scrapes} node_exporter scrapes, {series} series, {samples:,} samples")
    with tempfile.TemporaryDirectory() as folder:
        source = imports.written(Path(folder), openmetrics(recs))
        print("hostwatch, PostgreSQL:")
        _show("hostwatch PostgreSQL", hostwatch_postgresql(source, now_ms), samples)
        print("hostwatch, SQLite:")
        _show("hostwatch SQLite", hostwatch_sqlite(source, now_ms), samples)
        _show("Prometheus TSDB", prometheus(source), samples)


def _show(store: str, sizes: dict[str, int], samples: int) -> None:
    """A store's bytes per sample, at once (a run takes minutes), with its parts."""
    parts = ", ".join(
        f"{k} {v / samples:.2f}" if "blocks" not in k else f"{k} {v}"
        for k, v in sizes.items()
        if k != "database"
    )
    print(f"{store:<22} {sizes['database'] / samples:>6.2f} B/sample; {parts}", flush=True)

"""Loads the bench fleet (bench/fleet.py) into its own database, once: a PostgreSQL database
on 127.0.0.1 or a SQLite file, named by its URL (``url_of`` makes a PostgreSQL one's).

The database is kept between runs; a later run only tops it up to now (and lets maintenance
roll up the new hours and drop the day that fell out of retention), so the pages it measures
always show current data. The samples go in as history does: a day at a time as an OpenMetrics
file imported through ``db import``'s entry (bench/imports.py, whose throughput is printed);
`maintain()` then compacts each day once it is in (chunks and the hourly tier), as in
production, so the plain rows never hold more than a day or two.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from sqlalchemy import create_engine, make_url, text

from bench import fleet, imports
from model.clock import DAY_MS, HOUR_MS
from storage import Storage, compaction, partitions
from storage.backend import Backend

SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"


def url_of(database: str) -> str:
    return f"{SERVER}/{database}"


def exists(database: str) -> bool:
    """Whether the PostgreSQL database ``database`` holds a completely loaded fleet."""
    admin = create_engine(url_of("test"))
    with admin.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database})
    admin.dispose()
    return bool(found) and loaded(url_of(database))


def loaded(url: str) -> bool:
    """Whether the existing database at ``url`` holds a completely loaded fleet."""
    engine = create_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            probe = "SELECT 1 FROM sqlite_master WHERE name = 'bench_loaded'"
        else:
            probe = "SELECT to_regclass('bench_loaded')"
        done = conn.scalar(text(probe))
    engine.dispose()
    return done is not None


def present(url: str) -> bool:
    """Whether the database at ``url`` exists and holds a completely loaded fleet."""
    path = _sqlite_path(url)
    if path is not None:
        return path.exists() and loaded(url)
    return exists(str(make_url(url).database))


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL."""
    parsed = make_url(url)
    return Path(str(parsed.database)) if parsed.get_backend_name() == "sqlite" else None


def _emptied(url: str) -> None:
    """The database at ``url`` recreated empty (a SQLite file and its journals removed)."""
    path = _sqlite_path(url)
    if path is None:
        recreate(str(make_url(url).database))
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def recreate(database: str) -> None:
    """``database`` empty: dropped if it exists, then created."""
    drop(database)
    _administer(f'CREATE DATABASE "{database}"')


def drop(database: str) -> None:
    _administer(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _administer(statement: str) -> None:
    admin = create_engine(url_of("test"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


def load(url: str, servers: int, days: int, now_ms: int) -> None:
    """A fresh fleet at ``url``: ``servers`` servers, ``days`` days of scrapes up to ``now_ms``."""
    _emptied(url)
    end = now_ms - now_ms % fleet.SCRAPE_MS
    start = end - days * DAY_MS
    with Storage.open(url, clock=lambda: end) as store:
        store.upgrade()
    backend = Backend(url)
    fleet.create(backend, servers, start, end)
    _days(url, servers, start, end + 1, end)
    with backend.writing() as conn:
        conn.exec_driver_sql("CREATE TABLE bench_loaded (end_ms bigint NOT NULL)")
        conn.execute(text("INSERT INTO bench_loaded VALUES (:end)"), {"end": end})
    _finish(backend, url, end)


def top_up(url: str, now_ms: int) -> int:
    """Scrapes from the last loaded one up to ``now_ms``; return how many minutes were added."""
    with Storage.open(url) as store:
        store.upgrade()  # a database kept from an older version of the code
    backend = Backend(url)
    with backend.reading() as conn:
        last = int(conn.scalar(text("SELECT end_ms FROM bench_loaded")) or 0)
        servers = int(conn.scalar(text("SELECT count(*) FROM targets")) or 0)
    end = now_ms - now_ms % fleet.SCRAPE_MS
    if end > last:
        _days(url, servers, last + 1, end + 1, end)
        fleet.advance(backend, end)
        with backend.writing() as conn:
            conn.execute(text("UPDATE bench_loaded SET end_ms = :end"), {"end": end})
    _finish(backend, url, end)
    return (end - last) // 60_000


def _days(url: str, servers: int, start_ms: int, end_ms: int, loaded_end_ms: int) -> None:
    """Import [start_ms, end_ms) a day at a time, each closed day compacted once it is in."""
    total = seconds = 0.0
    with Storage.open(url, clock=lambda: loaded_end_ms) as store:
        for day in range(partitions.day_of(start_ms), end_ms, DAY_MS):
            span = (max(day, start_ms), min(day + DAY_MS, end_ms))
            short = span[1] - span[0] <= HOUR_MS and day + DAY_MS > loaded_end_ms
            for piece in _scrapes(*span) if short else [span]:
                timed = imports.generated_and_imported(
                    store, _writer(servers, *piece, loaded_end_ms), loaded_end_ms
                )
                total, seconds = total + timed.imported.samples, seconds + timed.seconds
            print(f"  {time.strftime('%H:%M:%S')} day {day // DAY_MS}: {timed}", flush=True)
            if not short and day + DAY_MS > loaded_end_ms:
                _in_scrape_order(url, day)
            # As of just after the day closed (today's, still open, stays plain rows).
            closed = min(span[1] + compaction.DELAY_MS, loaded_end_ms)
            compacted = store.maintain(closed).samples_compacted
            print(f"  {time.strftime('%H:%M:%S')} compacted {compacted:,} samples", flush=True)
    print(f"  import in all: {total:,.0f} samples, {total / max(seconds, 1e-9):,.0f} samples/s")


def _scrapes(start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """[start_ms, end_ms) a scrape interval at a time: a top-up of the open day imported in
    one file would leave its minutes grouped by series, as `_in_scrape_order` explains."""
    return [(t, min(t + fleet.SCRAPE_MS, end_ms)) for t in range(start_ms, end_ms, fleet.SCRAPE_MS)]


def _in_scrape_order(url: str, day_ms: int) -> None:
    """Rewrite the open day's plain rows in time order, the order the scraper writes them.

    An import writes a file's series one after another, so each page of the day holds one
    series' whole day and the BRIN index on t narrows nothing (the overview's last five
    minutes scanned the whole day: 1.3-1.9 s at 1,000 servers); scrapes append each time's
    samples of every series together. Closed days are compacted, so their order is moot.
    SQLite keeps rows in primary-key order whatever the order of writing."""
    if _sqlite_path(url) is not None:
        return
    started = time.perf_counter()
    day = partitions.name_of(day_ms)
    backend = Backend(url)
    with backend.writing() as conn:
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE open_day AS SELECT * FROM {day}")
        conn.exec_driver_sql(f"TRUNCATE {day}")
        conn.exec_driver_sql(f"INSERT INTO {day} SELECT * FROM open_day ORDER BY t, series_id")
        conn.exec_driver_sql("DROP TABLE open_day")
    backend.close()
    print(f"  open day rewritten in time order in {time.perf_counter() - started:.0f} s")


def _writer(servers: int, start_ms: int, end_ms: int, loaded_end_ms: int) -> imports.Write:
    def write(out: TextIO) -> None:
        fleet.write(out, servers, start_ms, end_ms, loaded_end_ms)

    return write


def _finish(backend: Backend, url: str, end_ms: int) -> None:
    """Let maintenance compact the closed days and expire what fell out of retention, then
    ANALYZE; on PostgreSQL VACUUM too, as autovacuum would by the time anyone reads: it
    summarises the BRIN index's new page ranges (an unsummarised range is read for any time)."""
    backend.close()
    with Storage.open(url, clock=lambda: end_ms) as store:
        store.maintain()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"))
    engine.dispose()


def size_bytes(url: str) -> int:
    """The database's size on disk: PostgreSQL's after a CHECKPOINT; a SQLite file with its
    free pages (what the disk holds) after its WAL is checkpointed into it."""
    path = _sqlite_path(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if path is not None:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn.exec_driver_sql("CHECKPOINT")
            size = int(conn.scalar(text("SELECT pg_database_size(current_database())")) or 0)
    engine.dispose()
    return path.stat().st_size if path is not None else size

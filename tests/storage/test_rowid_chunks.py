"""Schema step 9: SQLite's chunk tables become rowid tables (16 KB pages on a new database), a
schema-8 database upgrades in place keeping every sample, and PostgreSQL is left as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text

from model.errors import StorageError
from model.samples import Sample
from storage import RangeQuery, Storage
from storage.migrations import STEPS
from tests.storage.builders import DAY, HOUR, NOW, labels, record
from tests.storage.conftest import StoreFactory, select_rows, stored

MINUTE = 60_000
TODAY = NOW - NOW % DAY
START = TODAY - 3 * DAY
CHUNK_TABLES = ("sample_chunks", "rollup_chunks")
Peek = Callable[[str], list[tuple[Any, ...]]]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hostwatch.db'}"


def three_days(store: Storage) -> None:
    """Three closed days and half of today, 5 series every 2 minutes, compacted."""
    scrapes = [
        [Sample("c", labels(cpu=str(n)), float(i * (n + 1))) for n in range(5)]
        for i in range(3 * 24 * 30 + 360)
    ]
    store.write([record(samples, t=START + i * 2 * MINUTE) for i, samples in enumerate(scrapes)])
    store.maintain(NOW)


def answers(store: Storage) -> list[object]:
    """A raw day (chunks), three days from the tier, and today's plain rows."""
    queries = [
        RangeQuery("c", [], start, end, step, fn)
        for start, end, step in [
            (TODAY - DAY, TODAY, 10 * MINUTE),
            (START, TODAY + DAY, HOUR),
            (TODAY, NOW, 10 * MINUTE),
        ]
        for fn in ("avg", "rate", "max")
    ]
    return [(r.source, [(s.labels, p) for s, p in r.series]) for r in store.query_ranges(queries)]


def as_schema_8(url: str) -> None:
    """What the code before step 9 left: on SQLite the chunk tables WITHOUT ROWID, as step 6
    creates them, holding the same rows; step 9 not recorded."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            for table in CHUNK_TABLES:
                conn.execute(text(f"ALTER TABLE {table} RENAME TO {table}_now"))
            STEPS[5](conn)
            for table in CHUNK_TABLES:
                conn.execute(text(f"INSERT INTO {table} SELECT * FROM {table}_now"))
                conn.execute(text(f"DROP TABLE {table}_now"))
        conn.execute(text("DELETE FROM schema_version WHERE version >= 9"))
    engine.dispose()


def upgraded(url: str) -> list[int]:
    with Storage.open(url) as store:
        return store.upgrade()


def test_step_9_keeps_every_sample_and_answer_of_a_schema_8_database(
    open_store: StoreFactory, empty_url: str, peek: Peek, stored_samples: Callable[[], int]
) -> None:
    three_days(open_store())
    before = (stored_samples(), peek("SELECT count(*) FROM rollup_chunks"), answers(open_store()))
    as_schema_8(empty_url)

    applied = upgraded(empty_url)

    after = (stored_samples(), peek("SELECT count(*) FROM rollup_chunks"), answers(open_store()))
    assert (applied, before[:2]) == ([9], (12_600, [(15,)]))
    assert after == before


def test_step_9_rebuilds_sqlites_chunk_tables_with_a_rowid(sqlite_url: str) -> None:
    upgraded(sqlite_url)
    as_schema_8(sqlite_url)
    was = layouts(sqlite_url)

    upgraded(sqlite_url)

    assert (was, layouts(sqlite_url)) == (
        ["rollup_chunks: without rowid", "sample_chunks: without rowid"],
        ["rollup_chunks: rowid", "sample_chunks: rowid"],
    )


def test_step_9_failing_halfway_leaves_the_schema_8_tables_and_runs_again_whole(
    sqlite_url: str,
) -> None:
    with Storage.open(sqlite_url, clock=lambda: NOW) as store:
        store.upgrade()
        three_days(store)
    as_schema_8(sqlite_url)
    # In the way of the second table's rename, after the first table is rebuilt and filled.
    statement(sqlite_url, "CREATE TABLE rollup_chunks_without_rowid (x)")

    with pytest.raises(StorageError, match="already another table"):
        upgraded(sqlite_url)
    failed = (layouts(sqlite_url), stored(sqlite_url), version_of(sqlite_url))
    statement(sqlite_url, "DROP TABLE rollup_chunks_without_rowid")

    assert failed == (
        ["rollup_chunks: without rowid", "sample_chunks: without rowid"],
        12_600,
        8,
    )
    assert (upgraded(sqlite_url), layouts(sqlite_url), stored(sqlite_url)) == (
        [9],
        ["rollup_chunks: rowid", "sample_chunks: rowid"],
        12_600,
    )


def test_step_9_leaves_postgresqls_chunk_tables_as_they_were(empty_postgresql: str) -> None:
    upgraded(empty_postgresql)
    as_schema_8(empty_postgresql)
    was = layouts(empty_postgresql)

    assert (upgraded(empty_postgresql), layouts(empty_postgresql)) == ([9], was)


def test_step_9_hands_the_old_tables_pages_back_to_the_file_system(sqlite_url: str) -> None:
    with Storage.open(sqlite_url, clock=lambda: NOW) as store:
        store.upgrade()
        three_days(store)
    as_schema_8(sqlite_url)
    pages = pragma(sqlite_url, "page_count")

    upgraded(sqlite_url)

    assert pragma(sqlite_url, "freelist_count") == 0
    assert pragma(sqlite_url, "page_count") < pages


def test_a_new_sqlite_database_has_16_kb_pages(sqlite_url: str) -> None:
    upgraded(sqlite_url)

    assert pragma(sqlite_url, "page_size") == 16384


def test_an_existing_sqlite_database_keeps_its_page_size(sqlite_url: str) -> None:
    with closing(sqlite3.connect(path_of(sqlite_url))) as conn:
        conn.execute("CREATE TABLE made_before (x)")

    upgraded(sqlite_url)

    assert pragma(sqlite_url, "page_size") == 4096


def test_reads_of_the_chunk_tables_search_their_primary_key(sqlite_url: str) -> None:
    with Storage.open(sqlite_url, clock=lambda: NOW) as store:
        store.upgrade()
        three_days(store)
        with chunk_reads() as seen:
            answers(store)
            store.latest("node", "web1:9100")
            store.series_between(store.series("c"), START, NOW)

    plans = [plan(sqlite_url, sql, parameters) for sql, parameters in seen]

    # Each plan line without its key columns: "SEARCH t USING INDEX i (series_id=? AND ...)".
    searches = {line.split(" (")[0] for lines in plans for line in lines if "_chunks" in line}
    assert searches == {
        "SEARCH sample_chunks USING INDEX sqlite_autoindex_sample_chunks_1",
        "SEARCH rollup_chunks USING INDEX sqlite_autoindex_rollup_chunks_1",
    }


def layouts(url: str) -> list[str]:
    """How each chunk table is stored: on SQLite with a rowid or without, on PostgreSQL the
    file node of its heap (a rebuilt table gets a new one)."""
    if url.startswith("sqlite"):
        found = select_rows(
            url,
            "SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_master "
            "WHERE name IN ('sample_chunks', 'rollup_chunks') ORDER BY name",
        )
        return [f"{name}: {'without rowid' if without else 'rowid'}" for name, without in found]
    found = select_rows(
        url,
        "SELECT relname, relfilenode FROM pg_class "
        "WHERE relname IN ('sample_chunks', 'rollup_chunks') ORDER BY relname",
    )
    return [f"{name}: file {node}" for name, node in found]


@contextmanager
def chunk_reads() -> Iterator[list[tuple[str, Any]]]:
    """The SELECTs of the chunk tables run inside, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def listen(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        if "_chunks" in statement and statement.lstrip().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", listen)


def plan(url: str, sql: str, parameters: Any) -> list[str]:
    with closing(sqlite3.connect(path_of(url))) as conn:
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]


def statement(url: str, sql: str) -> None:
    with closing(sqlite3.connect(path_of(url))) as conn:
        conn.execute(sql)


def version_of(url: str) -> int:
    return int(select_rows(url, "SELECT max(version) FROM schema_version")[0][0])


def pragma(url: str, name: str) -> int:
    with closing(sqlite3.connect(path_of(url))) as conn:
        return int(conn.execute(f"PRAGMA {name}").fetchone()[0])


def path_of(url: str) -> str:
    return url.removeprefix("sqlite:///")

"""Versioned schema: an ordered list of steps, step i bringing a database from version i to i+1.

Most steps add tables, so they create them from the Table objects in schema.py, which always
describes the latest version. A step that alters an existing table freezes the earlier steps'
DDL of it here, so each version keeps meaning what it meant: step 9 rebuilds SQLite's chunk
tables as rowid tables, so step 6 creates them WITHOUT ROWID as it always did.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, MetaData, Table, func, insert, inspect, select

from model.errors import SchemaError
from storage import schema
from storage.backend import Backend, reclaim

Step = Callable[[Connection], None]


def _creating(*tables: Table) -> Step:
    def step(conn: Connection) -> None:
        schema.metadata.create_all(conn, tables=tables)

    return step


def _time_index(conn: Connection) -> None:
    """A BRIN index on samples.t, PostgreSQL only: it lets "every series' latest samples" (the
    fleet overview) read the last few pages of today's partition instead of probing the
    primary key once per series. Rows arrive in time order, so block ranges summarise tightly
    and the index stays a few pages per partition; a partition created later inherits it.
    Without autosummarize the pages written since the last VACUUM have no summary, so every
    such read would scan all of them; 32-page ranges are about one scrape of 20,000 series."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE INDEX samples_t ON samples USING brin (t) "
            "WITH (pages_per_range = 32, autosummarize = on)"
        )


def _as_of_step_6(table: Table) -> Table:
    """``table`` as step 6 created it: WITHOUT ROWID on SQLite, as every table then was."""
    frozen = table.to_metadata(MetaData())
    frozen.dialect_kwargs["sqlite_with_rowid"] = False
    return frozen


def _rowid_chunks(conn: Connection) -> None:
    """SQLite: sample_chunks and rollup_chunks rebuilt as rowid tables with their primary key
    as a unique index (schema.py says why), the rows copied in key order, so a series' chunks
    stay neighbours. One statement per table, in the upgrade's transaction: the rows are
    bounded by retention (a row per series and day), and an interrupted upgrade rolls back
    whole and starts again. The old tables' pages go back to the file system where
    auto_vacuum is on (databases created since compaction came); the page size stays (docs/
    storage.md: VACUUM to change it). PostgreSQL: nothing, its heap keeps rows of any size."""
    if conn.dialect.name != "sqlite":
        return
    for table in (schema.chunks, schema.rollup_chunks):
        old = f"{table.name}_without_rowid"
        columns = ", ".join(table.c.keys())
        conn.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {old}")
        table.create(conn)
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({columns}) "
            f"SELECT {columns} FROM {old} ORDER BY series_id, start"
        )
        conn.exec_driver_sql(f"DROP TABLE {old}")
    reclaim(conn)


STEPS: tuple[Step, ...] = (
    _creating(
        schema.schema_version,
        schema.series,
        schema.samples,
        schema.rollups,
        schema.targets,
        schema.health_history,
        schema.metric_metadata,
        schema.maintenance_state,
    ),
    _creating(schema.scrapers),
    _creating(schema.users, schema.api_tokens),
    _creating(schema.alerts, schema.alert_history, schema.silences, schema.notification_log),
    _time_index,
    _creating(_as_of_step_6(schema.chunks), _as_of_step_6(schema.rollup_chunks)),
    _creating(
        schema.registered_servers,
        schema.target_sources,
        schema.alerting_reports,
        schema.notification_tests,
    ),
    _creating(schema.alerting_entries),
    _rowid_chunks,
)
LATEST = len(STEPS)


def version(conn: Connection) -> int:
    """The database's schema version; 0 for an empty database."""
    if not inspect(conn).has_table(schema.schema_version.name):
        return 0
    return int(conn.scalar(select(func.max(schema.schema_version.c.version))) or 0)


def upgrade(backend: Backend, now_ms: int) -> list[int]:
    """Apply every missing step in one transaction; return the versions applied."""
    with backend.writing() as conn:
        backend.lock(conn, "hostwatch schema upgrade")
        current = _supported(version(conn))
        for number in range(current + 1, LATEST + 1):
            STEPS[number - 1](conn)
            conn.execute(insert(schema.schema_version).values(version=number, applied_ms=now_ms))
        return list(range(current + 1, LATEST + 1))


def check(backend: Backend) -> None:
    """Raise SchemaError unless the database is at exactly this code's version."""
    with backend.reading() as conn:
        current = _supported(version(conn))
    if current < LATEST:
        raise SchemaError(
            f"database schema is at version {current}, this code needs {LATEST}: "
            "run hostwatch-scraper db upgrade (the scraper also does at start)"
        )


def _supported(current: int) -> int:
    if current > LATEST:
        raise SchemaError(
            f"database schema is at version {current}, newer than this code's {LATEST}: "
            "upgrade hostwatch instead"
        )
    return current

"""Versioned schema: an ordered list of steps, step i bringing a database from version i to i+1.

Each step so far only adds tables, so it creates them from the Table objects in schema.py.
The first step that alters an existing table must freeze the earlier steps' DDL here (so each
version keeps meaning what it meant); schema.py always describes the latest version.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table, func, insert, inspect, select

from model.errors import SchemaError
from storage import schema
from storage.backend import Backend

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
    _creating(schema.chunks, schema.rollup_chunks),
    _creating(
        schema.registered_servers,
        schema.target_sources,
        schema.alerting_reports,
        schema.notification_tests,
    ),
    _creating(schema.alerting_entries),
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

"""Bulk sample loading: COPY on PostgreSQL, executemany on SQLite; both ignore duplicates.

On PostgreSQL the batch is first COPYed straight into the partitioned table inside a savepoint:
that is about twice as fast as staging (see docs/storage.md). Only when a row is already there
(a retried batch whose first attempt did commit) does COPY fail on the primary key; the batch is
then reloaded through a temporary table with INSERT ... ON CONFLICT DO NOTHING, so a rewrite
stores nothing twice.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import cast

from psycopg2.errors import UniqueViolation
from psycopg2.extensions import connection as PgConnection
from sqlalchemy import Connection

from scraper.storage.backend import Backend

SampleRow = tuple[int, int, float]
"""(series id, timestamp ms, value)."""

_COLUMNS = "samples (series_id, t, value)"
_NULL = "\\N"


def load(backend: Backend, conn: Connection, rows: Sequence[SampleRow]) -> None:
    if not rows:
        return
    if backend.is_postgresql:
        _copy(conn, rows)
    else:
        conn.exec_driver_sql(
            f"INSERT OR IGNORE INTO {_COLUMNS} VALUES (?, ?, ?)",
            [(series_id, t, None if math.isnan(v) else v) for series_id, t, v in rows],
        )


def _copy(conn: Connection, rows: Sequence[SampleRow]) -> None:
    text = _copy_text(rows)
    savepoint = conn.begin_nested()
    try:
        _copy_into(conn, f"COPY {_COLUMNS} FROM STDIN", text)
    except UniqueViolation:
        savepoint.rollback()
        _copy_deduplicated(conn, text)
    else:
        savepoint.commit()


def _copy_deduplicated(conn: Connection, text: str) -> None:
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE samples_staging (series_id bigint, t bigint, value float8) "
        "ON COMMIT DROP"
    )
    _copy_into(conn, "COPY samples_staging FROM STDIN", text)
    conn.exec_driver_sql(
        f"INSERT INTO {_COLUMNS} SELECT * FROM samples_staging ON CONFLICT DO NOTHING"
    )


def _copy_into(conn: Connection, statement: str, text: str) -> None:
    dbapi = cast(PgConnection, conn.connection.dbapi_connection)
    with dbapi.cursor() as cursor:
        cursor.copy_expert(statement, io.StringIO(text))


def _copy_text(rows: Sequence[SampleRow]) -> str:
    # repr() round-trips every float exactly and spells inf/-inf as PostgreSQL accepts them;
    # NaN is stored as NULL (\N), the same as on SQLite.
    return "".join(
        f"{series_id}\t{t}\t{_NULL if v != v else repr(v)}\n" for series_id, t, v in rows
    )

"""Statements whose rows numpy reads without a Python object per row.

A fleet-wide read returns millions of plain sample rows; fetched as SQLAlchemy rows and then
turned into arrays they took 1.5 us of Python each (14 of the 20 s of a 1,000-server PromQL
query, docs/storage.md). On PostgreSQL the SELECT runs inside a binary ``COPY ... TO STDOUT``
and its fixed-width records are read by numpy in one call; SQLite has no COPY, so its tuples
come from the driver's cursor straight into a structured array (no SQLAlchemy rows between).
"""

from __future__ import annotations

import io
from typing import Any, cast

import numpy as np
from psycopg2.extensions import connection as PgConnection
from sqlalchemy import Connection, Select
from sqlalchemy.sql.compiler import SQLCompiler

from storage.codec import Times, Values

# A (bigint, bigint, float8) row of binary COPY: the field count, then each field's length
# and big-endian bytes (no field NULL: the value is coalesced to NaN first).
_RECORD = np.dtype(
    [("fields", ">i2"), ("l1", ">i4"), ("series_id", ">i8"), ("l2", ">i4"), ("t", ">i8"),
     ("l3", ">i4"), ("value", ">f8")]
)  # fmt: skip
_ROW = np.dtype([("series_id", "<i8"), ("t", "<i8"), ("value", "<f8")])
# The signature, flags and header-extension length before the rows; a -1 field count after.
_SIGNATURE = 11
_TRAILER = 2


def samples(conn: Connection, statement: Select[*tuple[Any, ...]]) -> tuple[Times, Times, Values]:
    """The (series_id, t, value) columns of what ``statement`` selects, in the order the
    database returns them, NULL as NaN."""
    if conn.dialect.name == "postgresql":
        return _copied(conn, statement)
    return columns_of(rows_of(conn, statement))


def columns_of(rows: list[tuple[Any, ...]]) -> tuple[Times, Times, Values]:
    """The (series_id, t, value) columns of a driver's tuples, NULL as NaN."""
    # numpy reads None as NaN in a float field: NULL is how plain rows store NaN.
    records = np.array(rows, dtype=_ROW) if rows else np.zeros(0, dtype=_ROW)
    return records["series_id"], records["t"], records["value"]


def rows_of(conn: Connection, statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """What ``statement`` selects as the driver's own tuples (bytea as memoryview on
    PostgreSQL), without SQLAlchemy's row objects and result processing. Executed through
    SQLAlchemy for its cache of compiled statements (IN lists stay one cached form whatever
    their length): compiling a chunk read anew took 0.3 ms, ten times its run on SQLite."""
    result = conn.execute(statement)
    try:
        return cast(list[tuple[Any, ...]], result.cursor.fetchall())
    finally:
        result.close()


def _copied(conn: Connection, statement: Select[*tuple[Any, ...]]) -> tuple[Times, Times, Values]:
    sql, parameters = _compiled(conn, statement)
    dbapi = cast(PgConnection, conn.connection.dbapi_connection)
    with dbapi.cursor() as cursor:
        select = cursor.mogrify(sql, parameters).decode()
    return copied(conn, f"SELECT series_id, t, value FROM ({select}) AS found")


def copied(conn: Connection, query: str) -> tuple[Times, Times, Values]:
    """The (series_id, t, value) columns of ``query``'s rows (SQL text, PostgreSQL) by one
    binary COPY, NULL as NaN."""
    dbapi = cast(PgConnection, conn.connection.dbapi_connection)
    out = io.BytesIO()
    rows = f"SELECT series_id, t, coalesce(value, 'NaN'::float8) FROM ({query}) AS rows"
    with dbapi.cursor() as cursor:
        cursor.copy_expert(f"COPY ({rows}) TO STDOUT (FORMAT binary)", out)
    data = out.getbuffer()
    extension = int.from_bytes(data[_SIGNATURE + 4 : _SIGNATURE + 8], "big")
    records = np.frombuffer(data[_SIGNATURE + 8 + extension : len(data) - _TRAILER], _RECORD)
    return (
        records["series_id"].astype(np.int64),
        records["t"].astype(np.int64),
        records["value"].astype(np.float64),
    )


def _compiled(conn: Connection, statement: Select[*tuple[Any, ...]]) -> tuple[str, Any]:
    """The statement's SQL in the driver's parameter style, and its parameters (positional
    for SQLite's qmark style, IN lists expanded)."""
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    assert isinstance(compiled, SQLCompiler)  # a SELECT compiles to SQL
    if compiled.positiontup is None:
        return str(compiled), compiled.params
    return str(compiled), [compiled.params[name] for name in compiled.positiontup]

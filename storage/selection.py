"""Raw samples of every series a selector matches, over one time range, as numpy arrays.

This is the read a query engine makes: one statement per batch of series (one for any number
on PostgreSQL), rows in (series, time) order so each series' samples are one slice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import BigInteger, Connection, Row, Select, any_, bindparam, cast, select
from sqlalchemy.dialects.postgresql import ARRAY

from model.errors import QueryError
from storage import schema
from storage.model import Series
from storage.series import chunks


@dataclass(frozen=True, slots=True)
class SeriesSamples:
    """One series' samples in time order: ``t`` in ms (int64) and ``values`` (float64, NaN
    where a NaN was stored)."""

    series: Series
    t: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SelectLimits:
    """A read that would return more series or samples than these fails with QueryLimitError."""

    max_series: int
    max_samples: int


class QueryLimitError(QueryError):
    """A read would return more series or samples than its limits allow."""


def read(
    conn: Connection, found: Sequence[Series], start_ms: int, end_ms: int, limits: SelectLimits
) -> list[SeriesSamples]:
    if len(found) > limits.max_series:
        raise QueryLimitError(
            f"the selector matches {len(found)} series; at most {limits.max_series} may be read"
        )
    ids, times, values = _rows(conn, [s.id for s in found], start_ms, end_ms, limits.max_samples)
    # Rows come sorted by series id, so each series' samples are one contiguous slice.
    order = sorted(found, key=lambda s: s.id)
    keys = np.array([s.id for s in order], dtype=np.int64)
    starts = np.searchsorted(ids, keys, side="left")
    ends = np.searchsorted(ids, keys, side="right")
    return [
        SeriesSamples(s, times[lo:hi], values[lo:hi])
        for s, lo, hi in zip(order, starts.tolist(), ends.tolist(), strict=True)
        if hi > lo
    ]


Columns = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]


def _rows(conn: Connection, ids: list[int], start_ms: int, end_ms: int, most: int) -> Columns:
    rows: list[Row[tuple[int, int, float | None]]] = []
    for statement in _statements(conn, sorted(ids), start_ms, end_ms):
        # One more than allowed is enough to know the limit is broken, without reading it all.
        rows.extend(conn.execute(statement.limit(most + 1 - len(rows))).all())
        if len(rows) > most:
            raise QueryLimitError(f"the selector reads more than {most} samples; narrow it")
    if not rows:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.float64)
    series_ids, times, values = zip(*rows, strict=True)
    return (
        np.array(series_ids, dtype=np.int64),
        np.array(times, dtype=np.int64),
        # None (a stored NaN) becomes NaN in a float array.
        np.array(values, dtype=np.float64),
    )


Statement = Select[tuple[int, int, float | None]]


def _statements(conn: Connection, ids: list[int], start_ms: int, end_ms: int) -> list[Statement]:
    """SQLite gets IN lists within its bound-parameter limit; PostgreSQL one array for all."""
    samples = schema.samples
    base = (
        select(samples.c.series_id, samples.c.t, samples.c.value)
        .where(samples.c.t >= start_ms, samples.c.t <= end_ms)
        .order_by(samples.c.series_id, samples.c.t)
    )
    if not ids:
        return []
    if conn.dialect.name == "postgresql":
        array = cast(bindparam("ids", ids, type_=ARRAY(BigInteger)), ARRAY(BigInteger))
        return [base.where(samples.c.series_id == any_(array))]
    return [base.where(samples.c.series_id.in_(chunk)) for chunk in chunks(ids)]

"""Raw samples of every series a selector matches, over one time range, as numpy arrays.

This is the read a query engine makes: per batch of series (one for any number on PostgreSQL)
one statement for the compressed chunks and one for the plain rows not compacted yet, merged by
storage/history.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, select, union

from model.errors import QueryError
from storage import history, queries, schema
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
    """The samples of ``found`` in [start_ms, end_ms], chunks and plain rows merged, ordered by
    series id; series without samples in the range are left out."""
    if len(found) > limits.max_series:
        raise QueryLimitError(
            f"the selector matches {len(found)} series; at most {limits.max_series} may be read"
        )
    by_id = {s.id: s for s in found}
    out: list[SeriesSamples] = []
    total = 0
    for among, by_time in _batches(conn, sorted(by_id), end_ms - start_ms):
        for series_id, (times, values) in sorted(
            history.read(conn, among, start_ms, end_ms, by_time).items()
        ):
            total += len(times)
            if total > limits.max_samples:
                raise QueryLimitError(
                    f"the selector reads more than {limits.max_samples} samples; narrow it"
                )
            if len(times):
                out.append(SeriesSamples(by_id[series_id], times, values))
    return out


def present(conn: Connection, found: Sequence[Series], start_ms: int, end_ms: int) -> list[Series]:
    """Those of ``found`` with samples in [start_ms, end_ms]: a compressed chunk spanning into
    the range (as Prometheus answers from its chunks' spans) or a plain row in it. One
    statement per batch of series, one on PostgreSQL."""
    c, r = schema.chunks, schema.samples
    kept: set[int] = set()
    for among, _ in _batches(conn, sorted({s.id for s in found}), end_ms - start_ms):
        chunked = select(c.c.series_id).where(
            among(c.c.series_id), c.c.start <= end_ms, c.c.last_t >= start_ms
        )
        rows = select(r.c.series_id).where(among(r.c.series_id), r.c.t.between(start_ms, end_ms))
        kept.update(conn.execute(union(chunked, rows)).scalars())
    return [s for s in found if s.id in kept]


def _batches(conn: Connection, ids: list[int], span_ms: int) -> list[tuple[history.Among, bool]]:
    """SQLite gets IN lists within its bound-parameter limit; PostgreSQL one array for all, its
    plain rows read by time first for a fleet's last minutes, as range queries read them."""
    if not ids:
        return []
    if conn.dialect.name == "postgresql":
        by_time = len(ids) >= queries.FLEET_SERIES and span_ms <= queries.RECENT_MS
        return [(queries.among_ids(ids), by_time)]
    return [(_among(batch), False) for batch in chunks(ids)]


def _among(ids: Sequence[int]) -> history.Among:
    return lambda column: column.in_(ids)

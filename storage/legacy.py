"""Moving a schema-5 database's hourly rollups (a row per series and hour) into the hourly
tier (a compressed row per series and day), a batch of series per transaction.

Each batch inserts the tier rows of its series' days, keeping a tier row compaction already
made from the raw samples of that day (it is complete; the old rollups may miss late samples),
and deletes the rows it moved, so a killed run loses nothing and the next one goes on.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sqlalchemy import delete, select

from model.clock import DAY_MS
from storage import schema, tiers
from storage.backend import Backend
from storage.tiers import Partials

BATCH = 50
_LOCK = "hostwatch compaction"


def move_rollups(backend: Backend) -> int:
    """Move every legacy rollup row; return how many were moved."""
    moved = 0
    while True:
        with backend.writing() as conn:
            backend.lock(conn, _LOCK)
            r = schema.rollups
            first = conn.scalar(select(r.c.series_id).order_by(r.c.series_id).limit(1))
            if first is None:
                return moved
            batch = (r.c.series_id >= first, r.c.series_id < first + BATCH)
            rows = conn.execute(select(r).where(*batch).order_by(r.c.series_id, r.c.hour)).all()
            days: dict[tuple[int, int], list[tuple[object, ...]]] = defaultdict(list)
            for row in rows:
                days[row.series_id, row.hour - row.hour % DAY_MS].append(tuple(row)[1:])
            statement = backend.insert(schema.rollup_chunks).on_conflict_do_nothing()
            conn.execute(
                statement,
                [
                    {"series_id": i, "start": day, "data": tiers.encode(_partials(hours))}
                    for (i, day), hours in days.items()
                ],
            )
            conn.execute(delete(r).where(*batch))
            moved += len(rows)


def _partials(rows: list[tuple[object, ...]]) -> Partials:
    """Rows of (hour, count, sum, min, max, first_t, first_value, last_t, last_value,
    increase), the legacy table's columns after series_id, as partials."""
    columns = list(zip(*rows, strict=True))
    hour, count, first_t, last_t = (np.array(columns[n], dtype=np.int64) for n in (0, 1, 5, 7))
    sums, low, high, first, last, increase = (
        np.array(columns[n], dtype=np.float64) for n in (2, 3, 4, 6, 8, 9)
    )
    return Partials(hour, count, first_t, last_t, sums, low, high, first, last, increase)

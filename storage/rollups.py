"""Hourly rollups: per series and hour, count/sum/min/max, first and last point, inner increase."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, case, func, or_, select

from storage import schema
from storage.backend import Backend
from storage.config import HOUR_MS


def roll_up(backend: Backend, conn: Connection, start_ms: int, end_ms: int) -> None:
    """(Re)compute the rollups of the hours in [start_ms, end_ms); an upsert, so idempotent."""
    statement = backend.insert(schema.rollups)
    columns = [c.name for c in schema.rollups.c if not c.primary_key]
    conn.execute(
        statement.from_select(
            [c.name for c in schema.rollups.c], _hourly(start_ms, end_ms)
        ).on_conflict_do_update(
            index_elements=["series_id", "hour"],
            set_={name: statement.excluded[name] for name in columns},
        )
    )


def _hourly(start_ms: int, end_ms: int) -> Select[Any]:
    s = schema.samples
    by, order = s.c.series_id, s.c.t
    # One ordered pass gives each sample its neighbours, which tell whether it opens or closes
    # its hour and what it added to a counter, without a second sort per hour.
    ordered = (
        select(
            s.c.series_id,
            s.c.t,
            s.c.value,
            (s.c.t - s.c.t % HOUR_MS).label("hour"),
            func.lag(s.c.value).over(partition_by=by, order_by=order).label("previous_value"),
            func.lag(s.c.t).over(partition_by=by, order_by=order).label("previous_t"),
            func.lead(s.c.t).over(partition_by=by, order_by=order).label("next_t"),
        )
        .where(s.c.t >= start_ms, s.c.t < end_ms, s.c.value.is_not(None))
        .subquery()
    )
    o = ordered.c
    opens = or_(o.previous_t.is_(None), o.previous_t < o.hour)
    closes = or_(o.next_t.is_(None), o.next_t >= o.hour + HOUR_MS)
    increase = case(
        (opens, 0.0),
        (o.value >= o.previous_value, o.value - o.previous_value),
        else_=o.value,
    )
    return select(
        o.series_id,
        o.hour,
        func.count(),
        func.sum(o.value),
        func.min(o.value),
        func.max(o.value),
        func.min(o.t),
        func.max(case((opens, o.value))),
        func.max(o.t),
        func.max(case((closes, o.value))),
        func.sum(increase),
    ).group_by(o.series_id, o.hour)

"""Range queries: one value per step-wide bucket, computed in the database.

Raw samples and hourly rollups are read through one shape of row, so one set of queries serves
both: a raw sample is a rollup of one point (count 1, first = last = value, no inner increase).

`rate` is per second over consecutive points: each point contributes the increase since the
previous point (a decrease is a counter reset, so the new value itself is the increase) and
the time since it; a bucket's rate is the sum of increases over the sum of times. Rollups keep
their hour's inner increase and first/last values, so the step between hours is added the same
way and rate over rollups agrees with rate over raw samples.

A rollup plan reads rollups only for the hours maintain() has rolled up (`raw_from_ms`) and
raw samples after them, so a long range ending now includes the hours not rolled up yet (and
a server first scraped an hour ago shows in a 30-day chart).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Double,
    Select,
    Subquery,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from storage import schema
from storage.config import HOUR_MS, Retention
from storage.model import Function, Points, RangeQuery, Source
from storage.series import chunks


@dataclass(frozen=True, slots=True)
class Plan:
    source: Source
    start_ms: int
    end_ms: int
    step_ms: int
    raw_from_ms: int = 0  # rollup plans: raw samples from here on (the hours not rolled up)


def plan(query: RangeQuery, now_ms: int, retention: Retention, rolled_up_ms: int = 0) -> Plan:
    """Raw samples unless the range reaches past raw retention or the step is an hour or more;
    ``rolled_up_ms`` is where maintain()'s rollups end."""
    if query.step_ms < HOUR_MS and query.start_ms >= now_ms - retention.raw_ms:
        step = _widened(query.step_ms, query.end_ms - query.start_ms, query.max_points)
        return Plan("raw", query.start_ms, query.end_ms, step)
    start = query.start_ms - query.start_ms % HOUR_MS
    hourly = -(-query.step_ms // HOUR_MS) * HOUR_MS
    step = _widened(hourly, query.end_ms - start, query.max_points)
    return Plan("rollup", start, query.end_ms, step, rolled_up_ms)


def _widened(step_ms: int, span_ms: int, max_points: int) -> int:
    """The smallest multiple of `step_ms` that cuts `span_ms` into at most `max_points` buckets."""
    if span_ms // step_ms < max_points:
        return step_ms
    needed = span_ms // max_points + 1
    return -(-needed // step_ms) * step_ms


def run(conn: Connection, plan: Plan, fn: Function, ids: Sequence[int]) -> dict[int, Points]:
    points: dict[int, Points] = {}
    for members in _batches(conn, plan, ids):
        # all() fetches in one call; iterating the result would fetch row by row.
        for series_id, bucket, value in conn.execute(_aggregate(plan, fn, members)).all():
            t = plan.start_ms + bucket * plan.step_ms
            points.setdefault(series_id, []).append((t, math.nan if value is None else value))
    return points


# A query for at least this many series over at most this long reads raw samples by time first
# (PostgreSQL): samples arrive in time order, so a few minutes of a whole fleet are a few
# hundred consecutive pages, found through the BRIN index on t, where one primary-key probe per
# series touches its own index and heap pages. Fewer series, or longer ranges, probe.
FLEET_SERIES = 500
RECENT_MS = HOUR_MS


@dataclass(frozen=True, slots=True)
class Members:
    """Which series a statement reads, as a condition on a series_id column, and whether their
    raw samples are found by time first."""

    among: Callable[[ColumnElement[int]], ColumnElement[bool]]
    by_time: bool = False


def _batches(conn: Connection, plan: Plan, ids: Sequence[int]) -> list[Members]:
    """SQLite gets IN lists of at most CHUNK ids (its bound-parameter limit); PostgreSQL one
    array parameter for any number, so a fleet costs one plan and no per-id SQL text."""
    if not ids:
        return []
    if conn.dialect.name != "postgresql":
        return [_among(chunk) for chunk in chunks(ids)]
    # Typed bigint[] so the comparison is one hashable operator, looked up per row in a hash.
    array = cast(bindparam("ids", list(ids), type_=ARRAY(BigInteger)), ARRAY(BigInteger))
    recent = plan.source == "raw" and plan.end_ms - plan.start_ms <= RECENT_MS
    return [Members(lambda column: column == any_(array), recent and len(ids) >= FLEET_SERIES)]


def _among(ids: Sequence[int]) -> Members:
    return Members(lambda column: column.in_(ids))


Job = tuple[Plan, Function, Sequence[int]]


def run_all(conn: Connection, jobs: Sequence[Job]) -> list[dict[int, Points]]:
    """`run` for each job, one statement per distinct (plan, function) for all their ids."""
    ids: dict[tuple[Plan, Function], set[int]] = {}
    for plan, fn, wanted in jobs:
        ids.setdefault((plan, fn), set()).update(wanted)
    done = {key: run(conn, *key, sorted(wanted)) for key, wanted in ids.items()}
    return [done[plan, fn] for plan, fn, _ in jobs]


def _aggregate(plan: Plan, fn: Function, ids: Members) -> Select[int, int, float]:
    if fn == "rate":
        return _rate(plan, ids)
    if fn == "last":
        return _last(plan, ids)
    points = _points(plan, ids, lookback_ms=0)
    value: ColumnElement[float] = {
        "avg": func.sum(points.c.sum) / func.sum(cast(points.c.count, Double)),
        "min": func.min(points.c.min),
        "max": func.max(points.c.max),
    }[fn]
    bucket = _bucket(plan, points.c.t)
    return _ordered(select(points.c.series_id, bucket, value).group_by(points.c.series_id, bucket))


def _last(plan: Plan, ids: Members) -> Select[int, int, float]:
    points = _points(plan, ids, lookback_ms=0)
    bucket = _bucket(plan, points.c.t)
    ranked = select(
        points.c.series_id,
        bucket,
        points.c.last_value,
        func.row_number()
        .over(partition_by=[points.c.series_id, bucket], order_by=points.c.last_t.desc())
        .label("position"),
    ).subquery()
    return _ordered(
        select(ranked.c.series_id, ranked.c.bucket, ranked.c.last_value).where(
            ranked.c.position == 1
        )
    )


def _rate(plan: Plan, ids: Members) -> Select[int, int, float]:
    # One point before the range is read so the first bucket has its increase too.
    lookback = plan.step_ms if plan.source == "raw" else HOUR_MS
    points = _points(plan, ids, lookback_ms=lookback)
    by, order = points.c.series_id, points.c.t
    paired = select(
        *points.c,
        func.lag(points.c.last_value).over(partition_by=by, order_by=order).label("previous_value"),
        func.lag(points.c.last_t).over(partition_by=by, order_by=order).label("previous_t"),
    ).subquery()
    increase = paired.c.increase + case(
        (paired.c.previous_value.is_(None), 0.0),
        (
            paired.c.first_value >= paired.c.previous_value,
            paired.c.first_value - paired.c.previous_value,
        ),
        else_=paired.c.first_value,
    )
    elapsed = paired.c.last_t - func.coalesce(paired.c.previous_t, paired.c.first_t)
    bucket = _bucket(plan, paired.c.t)
    rate = func.sum(increase) * 1000.0 / func.sum(cast(elapsed, Double))
    return _ordered(
        select(paired.c.series_id, bucket, rate)
        .where(paired.c.t >= plan.start_ms)
        .group_by(paired.c.series_id, bucket)
        .having(func.sum(elapsed) > 0)
    )


def _bucket(plan: Plan, t: ColumnElement[int]) -> ColumnElement[int]:
    return ((t - plan.start_ms) // plan.step_ms).label("bucket")


def _ordered(query: Select[int, int, float]) -> Select[int, int, float]:
    return query.order_by(query.selected_columns[0], query.selected_columns[1])


def _points(plan: Plan, ids: Members, lookback_ms: int) -> Subquery:
    """Raw samples or hourly rollups of `ids` in the plan's range, as rollup-shaped rows."""
    low = plan.start_ms - lookback_ms
    if plan.source == "raw":
        return _raw(ids, low, plan.end_ms).subquery()
    r = schema.rollups
    rolled = select(*(c.label("t") if c is r.c.hour else c for c in r.c)).where(
        ids.among(r.c.series_id),
        r.c.hour >= low,
        r.c.hour <= plan.end_ms,
        r.c.hour < plan.raw_from_ms,
    )
    if plan.raw_from_ms > plan.end_ms:
        return rolled.subquery()
    return rolled.union_all(_raw(ids, max(low, plan.raw_from_ms), plan.end_ms)).subquery()


def _raw(ids: Members, low: int, high: int) -> Select[Any]:
    """Raw samples in [low, high] as rollup-shaped rows (a rollup of one point)."""
    s = _by_time(low, high) if ids.by_time else schema.samples
    v, t = s.c.value, s.c.t
    return select(
        s.c.series_id,
        t.label("t"),
        literal(1).label("count"),
        v.label("sum"),
        v.label("min"),
        v.label("max"),
        t.label("first_t"),
        v.label("first_value"),
        t.label("last_t"),
        v.label("last_value"),
        literal(0.0).label("increase"),
    ).where(ids.among(s.c.series_id), t >= low, t <= high, v.is_not(None))


def _by_time(low: int, high: int) -> Subquery:
    """The samples in [low, high], selected by time alone: OFFSET 0 keeps PostgreSQL from
    merging the series condition into this scan (and choosing the primary key for it)."""
    s = schema.samples
    return select(s).where(s.c.t >= low, s.c.t <= high).offset(0).subquery("samples")

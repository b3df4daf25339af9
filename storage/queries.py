"""Range queries: one value per step-wide bucket.

Raw samples (compressed chunks and recent plain rows, storage/history.py) are read into numpy
and bucketed there (storage/buckets.py); hourly rollups are bucketed in the database.

`rate` is per second over consecutive points: each point contributes the increase since the
previous point (a decrease is a counter reset, so the new value itself is the increase) and
the time since it; a bucket's rate is the sum of increases over the sum of times. Rollups keep
their hour's inner increase and first/last values, so the step between hours is added the same
way and rate over rollups agrees with rate over raw samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from storage import buckets, history, schema
from storage.config import HOUR_MS, Retention
from storage.model import Function, Points, RangeQuery, Source
from storage.series import chunks


@dataclass(frozen=True, slots=True)
class Plan:
    source: Source
    start_ms: int
    end_ms: int
    step_ms: int


def plan(query: RangeQuery, now_ms: int, retention: Retention) -> Plan:
    """Raw samples unless the range reaches past raw retention or the step is an hour or more."""
    if query.step_ms < HOUR_MS and query.start_ms >= now_ms - retention.raw_ms:
        step = _widened(query.step_ms, query.end_ms - query.start_ms, query.max_points)
        return Plan("raw", query.start_ms, query.end_ms, step)
    start = query.start_ms - query.start_ms % HOUR_MS
    hourly = -(-query.step_ms // HOUR_MS) * HOUR_MS
    return Plan(
        "rollup", start, query.end_ms, _widened(hourly, query.end_ms - start, query.max_points)
    )


def _widened(step_ms: int, span_ms: int, max_points: int) -> int:
    """The smallest multiple of `step_ms` that cuts `span_ms` into at most `max_points` buckets."""
    if span_ms // step_ms < max_points:
        return step_ms
    needed = span_ms // max_points + 1
    return -(-needed // step_ms) * step_ms


def run(conn: Connection, plan: Plan, fn: Function, ids: Sequence[int]) -> dict[int, Points]:
    if plan.source == "raw":
        return _raw(conn, plan, fn, ids)
    points: dict[int, Points] = {}
    for members in _batches(conn, plan, ids):
        # all() fetches in one call; iterating the result would fetch row by row.
        for series_id, bucket, value in conn.execute(_aggregate(plan, fn, members)).all():
            t = plan.start_ms + bucket * plan.step_ms
            points.setdefault(series_id, []).append((t, math.nan if value is None else value))
    return points


def _raw(conn: Connection, plan: Plan, fn: Function, ids: Sequence[int]) -> dict[int, Points]:
    # One point before the range is read so the first bucket of a rate has its increase too.
    low = plan.start_ms - (plan.step_ms if fn == "rate" else 0)
    points: dict[int, Points] = {}
    for members in _batches(conn, plan, ids):
        found = history.read(conn, members.among, low, plan.end_ms, members.by_time)
        for series_id, (times, values) in sorted(found.items()):
            done = buckets.aggregate(fn, times, values, plan.start_ms, plan.step_ms)
            if done:
                points[series_id] = done
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
    # One hour before the range is read so the first bucket has its increase too.
    points = _points(plan, ids, lookback_ms=HOUR_MS)
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
    """The hourly rollups of `ids` in the plan's range."""
    r = schema.rollups
    query = select(*(c.label("t") if c is r.c.hour else c for c in r.c)).where(
        ids.among(r.c.series_id), r.c.hour >= plan.start_ms - lookback_ms, r.c.hour <= plan.end_ms
    )
    return query.subquery()

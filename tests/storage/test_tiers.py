"""The hourly tier answers avg, min, max, last and rate exactly as the raw samples of the same
buckets do, counter resets, NaN and gaps included."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from model.samples import Sample
from storage import Function, RangeQuery, Storage, queries
from storage.backend import Backend
from storage.queries import Plan
from tests.storage.builders import DAY, HOUR, NOW, labels, record

MINUTE = 60_000
TODAY = NOW - NOW % DAY
START = TODAY - 2 * DAY
FUNCTIONS: tuple[Function, ...] = ("avg", "min", "max", "last", "rate")


def counter_and_gauge(store: Storage) -> None:
    """Two days and a half: a counter reset twice, a gauge with NaN, an hour-long gap."""
    records = []
    for i in range(0, 60 * 60, 2):
        if 1000 <= i < 1060:
            continue  # the gap
        counter = float((i * 7) % 5000)
        gauge = math.nan if i % 97 == 0 else 50.0 + (i % 13) * 0.25
        samples = [Sample("c", labels(), counter), Sample("g", labels(), gauge)]
        records.append(record(samples, t=START + i * MINUTE + 5_000))
    store.write(records)


def hourly_answers(store: Storage) -> dict[str, object]:
    asked = [
        RangeQuery(metric, [], START, TODAY + 12 * HOUR, step, fn)
        for metric in ("c", "g")
        for fn in FUNCTIONS
        for step in (HOUR, 3 * HOUR)
    ]
    results = store.query_ranges(asked)
    assert {r.source for r in results} == {"rollup"}
    return {
        f"{q.fn}({q.metric}) by {q.step_ms // HOUR} h": [p for _, p in r.series]
        for q, r in zip(asked, results, strict=True)
    }


def test_hourly_answers_are_the_same_from_the_tier_as_from_raw_samples(store: Storage) -> None:
    counter_and_gauge(store)
    from_raw = hourly_answers(store)

    report = store.maintain(NOW)

    assert report.windows_compacted == 2
    assert hourly_answers(store) == from_raw


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_the_tier_equals_raw_samples_bucketed_alike(
    store: Storage, empty_url: str, fn: Function
) -> None:
    counter_and_gauge(store)
    store.maintain(NOW)
    ids = [s.id for s in store.series(None)]
    backend = Backend(empty_url)
    try:
        with backend.reading() as conn:
            raw = queries.run(conn, Plan("raw", START, TODAY - 1, 2 * HOUR), fn, ids)
            tier = queries.run(conn, Plan("rollup", START, TODAY - 1, 2 * HOUR), fn, ids)
    finally:
        backend.close()

    assert tier.keys() == raw.keys()
    for series_id, (times, values) in raw.items():
        assert tier[series_id][0].tolist() == times.tolist()
        assert tier[series_id][1].tolist() == pytest.approx(values.tolist(), rel=1e-12)


def test_a_schema_5_databases_hourly_rollups_move_into_the_tier(
    store: Storage, empty_url: str, peek: Callable[[str], list[tuple[Any, ...]]]
) -> None:
    old = NOW - 100 * DAY
    store.write([record([Sample("g", labels(), 1.0)], t=NOW - MINUTE)])
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO rollups_hourly VALUES "
                "(1, :h, 2, 6.0, 2.0, 4.0, :h, 2.0, :l, 4.0, 2.0), "
                "(1, :h2, 1, 5.0, 5.0, 5.0, :h2, 5.0, :h2, 5.0, 0.0)"
            ),
            {"h": old, "l": old + 30 * MINUTE, "h2": old + HOUR},
        )
    engine.dispose()

    report = store.maintain(NOW)
    result = store.query_range(RangeQuery("g", [], old, old + 2 * HOUR, HOUR, "avg"))

    assert report.legacy_rollups_moved == 2
    assert peek("SELECT count(*) FROM rollups_hourly") == [(0,)]
    assert [p for _, p in result.series] == [[(old, 3.0), (old + HOUR, 5.0)]]

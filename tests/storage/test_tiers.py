"""The hourly tier answers avg, min, max, last and rate exactly as the raw samples of the same
buckets do, counter resets, NaN and gaps included."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from model.samples import Sample
from storage import Function, RangeQuery, Storage, queries, tiers
from storage.backend import Backend
from storage.model import Buckets
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


def raw_and_tier(store: Storage, url: str, fn: Function) -> dict[int, Buckets]:
    """``fn`` by 2 hours over the compacted days from the tier, after asserting that raw samples
    answer the same (NaN where they answer NaN)."""
    ids = [s.id for s in store.series(None)]
    backend = Backend(url)
    try:
        with backend.reading() as conn:
            raw = queries.run(conn, Plan("raw", START, TODAY - 1, 2 * HOUR), fn, ids)
            tier = queries.run(conn, Plan("rollup", START, TODAY - 1, 2 * HOUR), fn, ids)
    finally:
        backend.close()
    assert tier.keys() == raw.keys()
    for series_id, (times, values) in raw.items():
        assert tier[series_id][0].tolist() == times.tolist()
        expected = values.tolist()
        assert tier[series_id][1].tolist() == pytest.approx(expected, rel=1e-12, nan_ok=True)
    return tier


def infinite_and_huge(store: Storage) -> None:
    """Two days at 2 minutes: a counter near the float range with runs of +Inf (a rate's step
    +Inf - +Inf is NaN), a gauge of 1e308 whose sums overflow, and a -Inf among them."""
    records = []
    for i in range(2 * 24 * 30):
        counter = math.inf if i % 250 in (20, 21, 22) else (i % 150) * 1e306
        gauge = -math.inf if i % 100 == 45 else 1e308
        samples = [Sample("c", labels(), counter), Sample("g", labels(), gauge)]
        records.append(record(samples, t=START + i * 2 * MINUTE + 5_000))
    store.write(records)


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize("load", [counter_and_gauge, infinite_and_huge])
def test_the_tier_equals_raw_samples_bucketed_alike(
    store: Storage, empty_url: str, load: Callable[[Storage], None], fn: Function
) -> None:
    load(store)
    store.maintain(NOW)

    assert raw_and_tier(store, empty_url, fn)


def test_a_rate_over_infinities_is_nan_and_over_overflowing_steps_inf(
    store: Storage, empty_url: str
) -> None:
    infinite_and_huge(store)
    store.maintain(NOW)

    counter = raw_and_tier(store, empty_url, "rate")[store.series("c")[0].id]

    rates = counter[1].tolist()
    # A run of +Inf in 6 of the 24 buckets; elsewhere ~6e307 of increase x 1000 per second.
    assert (sum(map(math.isnan, rates)), rates.count(math.inf), len(rates)) == (6, 18, 24)


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


@given(
    st.lists(
        # Infinities and sums past the float range included: they are IEEE's to answer.
        st.tuples(st.integers(0, 10 * DAY), st.floats(allow_nan=False)),
        min_size=1,
        max_size=200,
        unique_by=lambda pair: pair[0],
    )
)
def test_a_days_partials_decode_to_the_same_bits(pairs: list[tuple[int, float]]) -> None:
    pairs.sort()
    times = np.array([TODAY + t for t, _ in pairs], dtype=np.int64)
    partials = tiers.hourly(times, np.array([v for _, v in pairs], dtype=np.float64))

    hours, decoded = tiers.decode_many([tiers.encode(partials)])

    assert hours.tolist() == [partials.hour.size]

    for name in ("hour", "count", "first_t", "last_t"):
        assert getattr(decoded, name).tolist() == getattr(partials, name).tolist()
    for name in ("sum", "min", "max", "first_value", "last_value", "increase"):
        assert bits(getattr(decoded, name)) == bits(getattr(partials, name))


def test_rows_of_different_lengths_decode_together_in_their_order() -> None:
    """A read decodes rows of one length in one pass: a short day between two whole ones (the
    first day of a series, say) must come back in its place, each row's hours counted."""
    days = [(0, 24 * 30), (1, 5 * 30), (2, 24 * 30)]
    made = [
        tiers.hourly(
            TODAY + day * DAY + np.arange(count, dtype=np.int64) * 2 * MINUTE,
            np.arange(count, dtype=np.float64) + 1000.0 * day,
        )
        for day, count in days
    ]

    hours, decoded = tiers.decode_many([tiers.encode(partials) for partials in made])

    assert hours.tolist() == [24, 5, 24]
    assert decoded.hour.tolist() == np.concatenate([p.hour for p in made]).tolist()
    assert decoded.last_value.tolist() == np.concatenate([p.last_value for p in made]).tolist()
    assert decoded.first_t.tolist() == np.concatenate([p.first_t for p in made]).tolist()


def bits(values: np.ndarray) -> list[int]:
    return [int(word) for word in np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)]

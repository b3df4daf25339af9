"""Range queries of one plan and several functions (storage/queries.py run_together): one read
of all their series' samples, each function answering as it would alone."""

from __future__ import annotations

import math

import pytest

from model.samples import Sample
from storage import Function, RangeQuery, RangeResult, Storage, queries
from storage.backend import Backend
from storage.model import Source
from storage.queries import Plan
from tests.storage.builders import DAY, HOUR, NOW, labels, record

MINUTE = 60_000
FUNCTIONS: tuple[Function, ...] = ("avg", "min", "max", "last", "rate")


def counter_and_gauge(store: Storage, start: int, minutes: int) -> None:
    """A counter that resets, and a gauge with NaN among its samples, every minute."""
    records = []
    for i in range(minutes):
        counter = float((i * 7) % 300)
        gauge = math.nan if i % 17 == 0 else 50.0 + (i % 13) * 0.25
        samples = [Sample("c", labels(), counter), Sample("g", labels(), gauge)]
        records.append(record(samples, t=start + i * MINUTE + 5_000))
    store.write(records)


def together_and_alone(
    store: Storage, start: int, end: int, step: int
) -> tuple[list[RangeResult], list[RangeResult]]:
    asked = [RangeQuery(m, [], start, end, step, fn) for m in ("c", "g") for fn in FUNCTIONS]
    return store.query_ranges(asked), [store.query_range(query) for query in asked]


def test_functions_of_raw_samples_read_together_answer_as_each_alone(store: Storage) -> None:
    counter_and_gauge(store, NOW - 3 * HOUR, 3 * 60)

    together, alone = together_and_alone(store, NOW - 2 * HOUR, NOW, 5 * MINUTE)

    assert {result.source for result in together} == {"raw"}
    assert together == alone


def test_functions_of_the_hourly_tier_read_together_answer_as_each_alone(store: Storage) -> None:
    counter_and_gauge(store, NOW - 2 * DAY, 36 * 60)
    store.maintain(NOW)

    together, alone = together_and_alone(store, NOW - 2 * DAY + 2 * HOUR, NOW - 12 * HOUR, HOUR)

    assert {result.source for result in together} == {"rollup"}
    assert together == alone


def test_a_gauge_read_with_a_rate_leaves_out_the_step_before_the_range(store: Storage) -> None:
    """The rate's read starts a step early; the gauge's first bucket still starts at the range."""
    start, step = NOW - 30 * MINUTE, 10 * MINUTE
    for t, value in ((start - 5 * MINUTE, 1.0), (start + MINUTE, 3.0)):
        store.write([record([Sample("c", labels(), value), Sample("g", labels(), value)], t=t)])

    gauge, counter = store.query_ranges(
        [
            RangeQuery("g", [], start, NOW, step, "min"),
            RangeQuery("c", [], start, NOW, step, "rate"),
        ]
    )

    assert (gauge.series[0][1], counter.series[0][1]) == ([(start, 3.0)], [(start, 2 / 360)])


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_each_function_answers_for_its_own_series_only(
    store: Storage, empty_url: str, source: Source
) -> None:
    counter_and_gauge(store, NOW - 2 * HOUR, 2 * 60)
    ids = {s.name: s.id for s in store.series(None)}
    backend = Backend(empty_url)
    with backend.reading() as conn:
        plan = Plan(source, NOW - 2 * HOUR, NOW, HOUR)
        found = queries.run_together(conn, plan, {"avg": [ids["g"]], "rate": [ids["c"]]})
    backend.close()

    # Columns: each bucket's series id first.
    assert {fn: sorted(set(owner.tolist())) for fn, (owner, _, _) in found.items()} == {
        "avg": [ids["g"]],
        "rate": [ids["c"]],
    }

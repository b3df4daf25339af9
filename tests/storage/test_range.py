"""Range queries over raw samples: one value per step bucket, gaps left as gaps."""

from __future__ import annotations

import numpy as np
import pytest

from model.errors import QueryError
from storage import Function, RangeQuery, Storage
from storage.model import RangeResult, Series
from storage.queries import FLEET_SERIES
from tests.storage.builders import DAY, HOUR, NOW, gauge_scrapes, labels, record, sample

MINUTE = 60_000
START = NOW - HOUR
EIGHT = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]


def points(store: Storage, fn: Function, step: int = MINUTE, start: int = START) -> list[object]:
    result = store.query_range(RangeQuery("g", [], start, start + 10 * MINUTE, step, fn))
    assert result.source == "raw"
    return [p for _, series_points in result.series for p in series_points]


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        ("avg", [(START, 2.5), (START + MINUTE, 6.5)]),
        ("min", [(START, 1.0), (START + MINUTE, 5.0)]),
        ("max", [(START, 4.0), (START + MINUTE, 8.0)]),
        ("last", [(START, 4.0), (START + MINUTE, 8.0)]),
    ],
)
def test_gauge_functions_aggregate_each_bucket(
    store: Storage, fn: Function, expected: list[tuple[int, float]]
) -> None:
    store.write(gauge_scrapes("g", EIGHT, start=START, interval=15_000))

    assert points(store, fn) == expected


def test_rate_counts_a_counter_reset_as_an_increase_by_the_new_value(store: Storage) -> None:
    counter = [0.0, 15.0, 30.0, 45.0, 60.0, 10.0, 25.0, 40.0]
    store.write(gauge_scrapes("g", counter, start=START, interval=15_000))

    (first, second) = points(store, "rate")

    assert first == (START, pytest.approx(45 / 45))
    # 45->60, reset to 10 (+10), 10->25, 25->40: 55 over 60 s.
    assert second == (START + MINUTE, pytest.approx(55 / 60))


def test_rate_of_the_first_bucket_uses_the_sample_just_before_the_range(store: Storage) -> None:
    store.write(gauge_scrapes("g", [0.0, 30.0, 60.0], start=START - 30_000, interval=30_000))

    assert points(store, "rate") == [(START, pytest.approx(1.0))]


def test_buckets_without_samples_are_absent(store: Storage) -> None:
    store.write(gauge_scrapes("g", [1.0], start=START, interval=MINUTE))
    store.write(gauge_scrapes("g", [3.0], start=START + 3 * MINUTE, interval=MINUTE))

    assert points(store, "avg") == [(START, 1.0), (START + 3 * MINUTE, 3.0)]


def test_nan_samples_are_left_out_of_aggregates(store: Storage) -> None:
    store.write(gauge_scrapes("g", [1.0, float("nan"), 3.0], start=START, interval=15_000))

    assert points(store, "avg") == [(START, 2.0)]


def test_each_matching_series_gets_its_own_points(store: Storage) -> None:
    store.write(gauge_scrapes("g", [1.0], start=START, interval=MINUTE, mode="a"))
    store.write(gauge_scrapes("g", [2.0], start=START, interval=MINUTE, mode="b"))

    result = store.query_range(RangeQuery("g", [], START, START + MINUTE, MINUTE, "avg"))

    assert [(dict(s.labels)["mode"], p) for s, p in result.series] == [
        ("a", [(START, 1.0)]),
        ("b", [(START, 2.0)]),
    ]


def test_too_many_points_widen_the_step_to_a_multiple_of_it(store: Storage) -> None:
    day_start = NOW - DAY
    store.write(gauge_scrapes("g", [1.0] * 144, start=day_start, interval=10 * MINUTE))

    result = store.query_range(RangeQuery("g", [], day_start, NOW, MINUTE, "avg", max_points=10))

    assert result.step_ms == 145 * MINUTE
    ((_, series_points),) = result.series
    assert len(series_points) == 10
    assert series_points[1] == (day_start + 145 * MINUTE, 1.0)


@pytest.mark.parametrize(
    ("start", "end", "step", "fn", "message"),
    [
        (NOW, NOW + 1, 0, "avg", "step_ms must be positive, got 0"),
        (NOW, NOW - 1, MINUTE, "avg", f"end_ms {NOW - 1} is before start_ms {NOW}"),
        (NOW, NOW, MINUTE, "median", "unknown function 'median'"),
    ],
)
def test_invalid_range_queries_are_refused(
    start: int, end: int, step: int, fn: Function, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        RangeQuery("g", [], start, end, step, fn)


def test_a_fleet_wide_query_of_recent_minutes_finds_every_series(store: Storage) -> None:
    # Enough series for PostgreSQL to read them by time first (FLEET_SERIES), as the overview does.
    fleet = range(FLEET_SERIES + 10)
    for minute in range(3):
        t = START + minute * MINUTE
        store.write([record([sample("g", n + minute, instance=f"h{n}") for n in fleet], t=t)])

    result = store.query_range(RangeQuery("g", [], START, START + 5 * MINUTE, 5 * MINUTE, "last"))

    assert [(s.labels, p) for s, p in result.series] == [
        (labels(instance=f"h{n}"), [(START, n + 2.0)]) for n in fleet
    ]


def test_series_read_together_keep_their_own_buckets_and_rates(store: Storage) -> None:
    # Read in one statement, the second series' first sample follows the first's last: it must
    # start its own rate, not add a "reset" from the other series' value.
    store.write(gauge_scrapes("g", [100.0, 130.0, 160.0], start=START, interval=30_000, cpu="0"))
    store.write(gauge_scrapes("g", [0.0, 3.0, 9.0], start=START, interval=30_000, cpu="1"))

    def of(fn: Function) -> dict[str, list[tuple[int, float]]]:
        result = store.query_range(RangeQuery("g", [], START, START + 10 * MINUTE, MINUTE, fn))
        return {dict(s.labels)["cpu"]: found for s, found in result.series}

    assert of("rate") == {
        "0": [(START, 1.0), (START + MINUTE, 1.0)],
        "1": [(START, 0.1), (START + MINUTE, 0.2)],
    }
    assert of("last") == {
        "0": [(START, 130.0), (START + MINUTE, 160.0)],
        "1": [(START, 3.0), (START + MINUTE, 9.0)],
    }


def test_rate_of_a_series_with_a_single_sample_has_no_series(store: Storage) -> None:
    store.write(gauge_scrapes("g", [5.0], start=START, interval=MINUTE))

    result = store.query_range(RangeQuery("g", [], START, START + 10 * MINUTE, MINUTE, "rate"))

    assert result.buckets == []


def test_buckets_and_points_of_a_result_agree(store: Storage) -> None:
    store.write(gauge_scrapes("g", EIGHT, start=START, interval=15_000))

    result = store.query_range(RangeQuery("g", [], START, START + 10 * MINUTE, MINUTE, "max"))

    ((series, (times, values)),) = result.buckets
    assert result.series == [(series, [(START, 4.0), (START + MINUTE, 8.0)])]
    assert (times.tolist(), values.tolist()) == ([START, START + MINUTE], [4.0, 8.0])


def test_range_results_are_equal_when_their_points_are_and_differ_by_one_value() -> None:
    one = Series(1, "node_load1", labels(instance="web1:9100"))
    times = np.array([0, 60_000], dtype=np.int64)

    def result(values: list[float]) -> RangeResult:
        return RangeResult([(one, (times, np.array(values)))], "raw", 60_000)

    assert result([1.5, 2.0]) == result([1.5, 2.0])
    assert result([1.5, 2.0]) != result([1.5, 2.5])

"""Hourly rollups: computed by maintain(), read automatically for long steps and old ranges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from storage import RangeQuery, Storage
from tests.storage.builders import DAY, HOUR, NOW, gauge_scrapes
from tests.storage.conftest import StoreFactory

TEN_MINUTES = 600_000
H0 = NOW - 4 * HOUR


def three_hours_of(store: Storage, values: list[float]) -> None:
    store.write(gauge_scrapes("g", values, start=H0, interval=TEN_MINUTES))
    store.maintain(NOW)


def hourly(store: Storage, fn: str, start: int = H0, step: int = HOUR) -> tuple[str, Any]:
    result = store.query_range(RangeQuery("g", [], start, H0 + 3 * HOUR - 1, step, fn))  # type: ignore[arg-type]
    return result.source, [p for _, points in result.series for p in points]


def test_a_step_of_an_hour_reads_rollups(store: Storage) -> None:
    three_hours_of(store, [float(i) for i in range(18)])

    assert hourly(store, "avg") == ("rollup", [(H0, 2.5), (H0 + HOUR, 8.5), (H0 + 2 * HOUR, 14.5)])
    assert hourly(store, "min")[1] == [(H0, 0.0), (H0 + HOUR, 6.0), (H0 + 2 * HOUR, 12.0)]
    assert hourly(store, "max")[1] == [(H0, 5.0), (H0 + HOUR, 11.0), (H0 + 2 * HOUR, 17.0)]
    assert hourly(store, "last")[1] == [(H0, 5.0), (H0 + HOUR, 11.0), (H0 + 2 * HOUR, 17.0)]


def test_rollup_buckets_of_several_hours_combine_their_hours(store: Storage) -> None:
    three_hours_of(store, [float(i) for i in range(18)])

    assert hourly(store, "avg", step=2 * HOUR) == ("rollup", [(H0, 5.5), (H0 + 2 * HOUR, 14.5)])


def test_rate_over_rollups_counts_resets_and_the_steps_between_hours(store: Storage) -> None:
    # +60 every 10 minutes (0.1/s), but reset to 30 at the 10th sample (an increase of 30).
    counter = [60.0 * i for i in range(9)] + [30.0 + 60.0 * i for i in range(9)]
    three_hours_of(store, counter)

    source, points = hourly(store, "rate")

    assert source == "rollup"
    assert points == [
        (H0, pytest.approx(0.1)),
        (H0 + HOUR, pytest.approx(330 / 3600)),
        (H0 + 2 * HOUR, pytest.approx(0.1)),
    ]


def test_a_range_reaching_past_raw_retention_reads_rollups_with_hourly_steps(
    store: Storage,
) -> None:
    three_hours_of(store, [1.0] * 18)

    result = store.query_range(RangeQuery("g", [], NOW - 31 * DAY, NOW, 5 * 60_000, "avg"))

    assert (result.source, result.step_ms) == ("rollup", HOUR)
    ((_, points),) = result.series
    assert points == [(H0, 1.0), (H0 + HOUR, 1.0), (H0 + 2 * HOUR, 1.0)]


def test_hours_not_compacted_yet_are_aggregated_from_raw_samples(store: Storage) -> None:
    store.write(gauge_scrapes("g", [1.0, 2.0], start=NOW - 10 * 60_000, interval=60_000))

    result = store.query_range(RangeQuery("g", [], NOW - HOUR, NOW, HOUR, "avg"))

    assert [points for _, points in result.series] == [[(NOW - HOUR, 1.5)]]


def test_a_compacted_day_keeps_one_hourly_tier_row_per_series_and_maintain_twice_keeps_it(
    store: Storage, peek: Callable[[str], list[tuple[Any, ...]]]
) -> None:
    yesterday = NOW - NOW % DAY - DAY
    store.write(gauge_scrapes("g", [float(i) for i in range(18)], start=yesterday, interval=HOUR))

    store.maintain(NOW)
    tier = peek("SELECT series_id, start, data FROM rollup_chunks")
    store.maintain(NOW)

    assert [(series_id, start) for series_id, start, _ in tier] == [(1, yesterday)]
    assert peek("SELECT series_id, start, data FROM rollup_chunks") == tier


def test_a_second_store_racing_on_maintain_compacts_each_day_once(
    open_store: StoreFactory, peek: Callable[[str], list[tuple[Any, ...]]]
) -> None:
    writer, other = open_store(), open_store()
    yesterday = NOW - NOW % DAY - DAY
    writer.write(gauge_scrapes("g", [float(i) for i in range(18)], start=yesterday, interval=HOUR))

    reports = [writer.maintain(NOW), other.maintain(NOW)]

    assert sum(r.samples_compacted for r in reports) == 18
    assert peek("SELECT count(*) FROM rollup_chunks") == [(1,)]


def test_a_rollup_range_reads_the_hours_not_rolled_up_yet_from_raw_samples(
    store: Storage,
) -> None:
    three_hours_of(store, [1.0] * 18)
    store.write(gauge_scrapes("g", [5.0, 7.0], start=NOW - 10 * 60_000, interval=60_000))

    result = store.query_range(RangeQuery("g", [], NOW - 30 * DAY, NOW, 3 * HOUR, "avg"))

    ((_, points),) = result.series
    assert result.source == "rollup"
    # The last bucket: two rolled-up hours of six 1.0s each, then the raw 5.0 and 7.0.
    assert points[-1][0] == NOW - 3 * HOUR
    assert points[-1][1] == pytest.approx((12 + 5 + 7) / 14)


def test_a_rollup_range_before_any_maintenance_reads_raw_samples(store: Storage) -> None:
    store.write(gauge_scrapes("g", [2.0, 4.0], start=NOW - 10 * 60_000, interval=60_000))

    result = store.query_range(RangeQuery("g", [], NOW - 30 * DAY, NOW, 3 * HOUR, "avg"))

    assert [p for _, points in result.series for p in points] == [
        (NOW - 30 * DAY + 239 * 3 * HOUR, 3.0)
    ]

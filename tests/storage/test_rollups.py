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
# From H0, the first sample's hour, up to the hour before NOW, which has closed too recently.
CLOSED_SINCE_H0 = 3


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


def test_the_current_hour_is_not_rolled_up_until_it_has_closed(store: Storage) -> None:
    store.write(gauge_scrapes("g", [1.0, 2.0], start=NOW - 10 * 60_000, interval=60_000))

    store.maintain(NOW)

    assert store.query_range(RangeQuery("g", [], NOW - HOUR, NOW, HOUR, "avg")).series == []


def test_maintain_twice_gives_the_same_rollups(
    store: Storage, peek: Callable[[str], list[tuple[Any, ...]]]
) -> None:
    store.write(gauge_scrapes("g", [float(i) for i in range(18)], start=H0, interval=TEN_MINUTES))

    first = store.maintain(NOW)
    rollups = peek("SELECT * FROM rollups_hourly ORDER BY series_id, hour")
    second = store.maintain(NOW)

    assert first.hours_rolled_up == CLOSED_SINCE_H0
    assert (second.hours_rolled_up, second.partitions_created) == (0, [])
    assert peek("SELECT * FROM rollups_hourly ORDER BY series_id, hour") == rollups
    assert len(rollups) == 3


def test_a_second_store_racing_on_maintain_gives_the_same_rollups(
    open_store: StoreFactory, peek: Callable[[str], list[tuple[Any, ...]]]
) -> None:
    writer, other = open_store(), open_store()
    writer.write(gauge_scrapes("g", [float(i) for i in range(18)], start=H0, interval=TEN_MINUTES))

    reports = [writer.maintain(NOW), other.maintain(NOW)]

    assert sum(r.hours_rolled_up for r in reports) == CLOSED_SINCE_H0
    assert len(peek("SELECT * FROM rollups_hourly")) == 3

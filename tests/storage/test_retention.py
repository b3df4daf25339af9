"""Retention: raw samples expire after raw_days (whole days), rollups after rollup_days."""

from __future__ import annotations

from collections.abc import Callable

from storage import RangeQuery, Retention
from tests.storage.builders import DAY, HOUR, NOW, gauge_scrapes
from tests.storage.conftest import StoreFactory

TODAY = NOW - NOW % DAY


def test_maintain_creates_partitions_for_today_and_two_days_ahead(
    open_store: StoreFactory, empty_url: str
) -> None:
    report = open_store().maintain(NOW)

    expected = ["samples_p20250616", "samples_p20250617", "samples_p20250618"]
    assert report.partitions_created == (expected if "postgresql" in empty_url else [])


def test_a_fresh_database_has_no_hours_to_roll_up_and_the_report_reads_as_a_sentence(
    open_store: StoreFactory, empty_url: str
) -> None:
    report = open_store().maintain(NOW)

    assert report.hours_rolled_up == 0
    assert str(report) == (
        "created samples_p20250616, samples_p20250617, samples_p20250618"
        if "postgresql" in empty_url
        else "nothing to do"
    )


def test_the_first_roll_up_starts_at_the_first_samples_hour(open_store: StoreFactory) -> None:
    store = open_store()
    store.write(gauge_scrapes("g", [1.0, 3.0], start=NOW - 5 * HOUR, interval=60_000))

    # NOW - 5h up to the hour before NOW, which has closed too recently.
    assert store.maintain(NOW).hours_rolled_up == 4


def test_raw_samples_older_than_raw_days_are_dropped_by_whole_days(
    open_store: StoreFactory, empty_url: str, count_rows: Callable[[str], int]
) -> None:
    store = open_store(retention=Retention(raw_days=2, rollup_days=10))
    old, kept = TODAY - 3 * DAY + HOUR, TODAY - 2 * DAY + HOUR
    store.write(gauge_scrapes("g", [1.0, 2.0], start=old, interval=60_000))
    store.write(gauge_scrapes("g", [3.0], start=kept, interval=60_000))

    report = store.maintain(NOW)

    if "postgresql" in empty_url:
        assert report.partitions_dropped == ["samples_p20250613"]
    else:
        assert report.raw_rows_deleted == 2
    assert count_rows("samples") == 1


def test_rollups_outlive_raw_samples_and_expire_after_rollup_days(
    open_store: StoreFactory, count_rows: Callable[[str], int]
) -> None:
    store = open_store(retention=Retention(raw_days=1, rollup_days=2))
    store.write(gauge_scrapes("g", [1.0, 3.0], start=NOW - 5 * HOUR, interval=60_000))
    store.maintain(NOW)

    store.maintain(NOW + 2 * DAY)
    kept = store.query_range(RangeQuery("g", [], NOW - 6 * HOUR, NOW, HOUR, "avg"))
    store.maintain(NOW + 3 * DAY)

    assert count_rows("samples") == 0
    assert [points for _, points in kept.series] == [[(NOW - 5 * HOUR, 2.0)]]
    assert count_rows("rollups_hourly") == 0

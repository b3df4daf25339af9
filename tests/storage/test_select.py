"""Storage.select: each matching series' raw samples over a range, as numpy arrays."""

from __future__ import annotations

import math

import pytest

from model.errors import QueryError
from model.matchers import Matcher
from storage import QueryLimitError, SelectLimits, Storage
from tests.storage.builders import DAY, HOUR, NOW, gauge_scrapes, record, sample

WIDE = SelectLimits(max_series=100, max_samples=1000)


@pytest.fixture
def two_cpus(store: Storage) -> Storage:
    for i in range(5):
        t = NOW + i * 60_000
        store.write(
            [
                record(
                    [sample("cpu", 10.0 * i, cpu="0"), sample("cpu", i + 0.5, cpu="1")],
                    t=t,
                )
            ]
        )
    return store


def read(store: Storage, *matchers: Matcher, limits: SelectLimits = WIDE) -> dict[str, object]:
    found = store.select("cpu", matchers, NOW + 60_000, NOW + 180_000, limits)
    return {dict(s.series.labels)["cpu"]: (s.t.tolist(), s.values.tolist()) for s in found}


def test_select_returns_each_series_samples_in_the_closed_range(two_cpus: Storage) -> None:
    times = [NOW + 60_000, NOW + 120_000, NOW + 180_000]

    assert read(two_cpus) == {"0": (times, [10.0, 20.0, 30.0]), "1": (times, [1.5, 2.5, 3.5])}


def test_select_applies_the_matchers(two_cpus: Storage) -> None:
    assert list(read(two_cpus, Matcher("cpu", "=~", "1|2"))) == ["1"]


def test_select_gives_arrays_of_int64_times_and_float64_values(two_cpus: Storage) -> None:
    found = two_cpus.select("cpu", [], NOW, NOW, WIDE)

    assert [(s.t.dtype.name, s.values.dtype.name) for s in found] == [("int64", "float64")] * 2


def test_select_leaves_out_series_without_samples_in_the_range(two_cpus: Storage) -> None:
    assert two_cpus.select("cpu", [], NOW - 10_000, NOW - 1, WIDE) == []


def test_select_reads_a_stored_nan_as_nan(store: Storage) -> None:
    store.write([record([sample("m", math.nan)])])

    (found,) = store.select("m", [], NOW, NOW, WIDE)

    assert math.isnan(found.values[0])


def test_select_refuses_more_series_than_the_limit(two_cpus: Storage) -> None:
    with pytest.raises(QueryLimitError, match="matches 2 series; at most 1"):
        read(two_cpus, limits=SelectLimits(max_series=1, max_samples=1000))


def test_select_refuses_more_samples_than_the_limit(two_cpus: Storage) -> None:
    with pytest.raises(QueryError, match="more than 5 samples"):
        read(two_cpus, limits=SelectLimits(max_series=10, max_samples=5))


def test_a_regex_matcher_runs_in_linear_time_on_a_hostile_pattern(store: Storage) -> None:
    store.write([record([sample("m", 1.0, path="a" * 60 + "!")])])

    # Exponential with backtracking; RE2 answers at once.
    assert store.select("m", [Matcher("path", "=~", "(a+)+$")], NOW, NOW, WIDE) == []


def test_select_reads_the_samples_of_a_compacted_day_beside_todays_plain_rows(
    store: Storage,
) -> None:
    yesterday = NOW - NOW % DAY - DAY
    store.write(gauge_scrapes("g", [1.0, 2.0, 3.0], start=yesterday, interval=HOUR))
    store.maintain(NOW)  # yesterday is closed: compacted into one chunk
    store.write(gauge_scrapes("g", [4.0], start=NOW, interval=HOUR))

    (found,) = store.select("g", [], yesterday, NOW, WIDE)

    times = [yesterday, yesterday + HOUR, yesterday + 2 * HOUR, NOW]
    assert (found.t.tolist(), found.values.tolist()) == (times, [1.0, 2.0, 3.0, 4.0])


def test_series_between_keeps_the_series_with_samples_in_the_range_compacted_or_not(
    store: Storage,
) -> None:
    yesterday = NOW - NOW % DAY - DAY
    store.write(gauge_scrapes("old", [1.0, 2.0], start=yesterday, interval=HOUR))
    store.maintain(NOW)  # yesterday's samples are one chunk now
    store.write(gauge_scrapes("new", [3.0], start=NOW, interval=HOUR))
    found = store.series(None)

    def names(start: int, end: int) -> list[str]:
        return sorted(s.name for s in store.series_between(found, start, end))

    assert names(yesterday, NOW) == ["new", "old"]
    assert names(yesterday + HOUR, yesterday + HOUR) == ["old"]
    assert names(NOW, NOW + HOUR) == ["new"]
    assert names(NOW + 1, NOW + HOUR) == []


def test_a_name_regex_listing_metrics_selects_the_series_of_each(store: Storage) -> None:
    store.write([record([sample("load1", 1.0), sample("load5", 2.0), sample("load15", 3.0)])])
    names = [Matcher("__name__", "=~", "load1|load15|absent")]

    found = store.select(None, names, NOW, NOW, WIDE)

    assert sorted((s.series.name, s.values.tolist()) for s in found) == [
        ("load1", [1.0]),
        ("load15", [3.0]),
    ]

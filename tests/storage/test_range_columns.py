"""Range queries as columns (Storage.query_columns): each bucket's series, start and value in
three arrays, grouped by series in id order, by start within each."""

from __future__ import annotations

from model.samples import Labels
from storage import RangeColumns, RangeQuery, Storage
from tests.storage.builders import DAY, HOUR, NOW, gauge_scrapes, labels, record, sample

MINUTE = 60_000
START = NOW - HOUR
WINDOW = 5 * MINUTE


def entries(found: RangeColumns) -> list[tuple[Labels, int, float]]:
    ids, starts, values = found.ids.tolist(), found.starts.tolist(), found.values.tolist()
    return [(found.series[i].labels, t, v) for i, t, v in zip(ids, starts, values, strict=True)]


def two_cpus(store: Storage) -> None:
    store.write(gauge_scrapes("g", [1.0, 2.0, 3.0, 4.0], start=START, interval=30_000, cpu="0"))
    store.write(gauge_scrapes("g", [10.0, 20.0], start=START + MINUTE, interval=30_000, cpu="1"))


def test_columns_hold_each_bucket_by_series_then_by_start(store: Storage) -> None:
    two_cpus(store)

    (found,) = store.query_columns([RangeQuery("g", [], START, START + WINDOW, MINUTE, "max")])

    assert (found.source, found.step_ms) == ("raw", MINUTE)
    assert entries(found) == [
        (labels(cpu="0"), START, 2.0),
        (labels(cpu="0"), START + MINUTE, 4.0),
        (labels(cpu="1"), START + MINUTE, 20.0),
    ]


def test_last_is_each_series_newest_bucket(store: Storage) -> None:
    two_cpus(store)
    (found,) = store.query_columns([RangeQuery("g", [], START, START + WINDOW, MINUTE, "last")])

    series, values = found.last()

    assert [(s.labels, v) for s, v in zip(series, values.tolist(), strict=True)] == [
        (labels(cpu="0"), 4.0),
        (labels(cpu="1"), 20.0),
    ]


def test_queries_read_together_keep_only_their_own_series(store: Storage) -> None:
    # Same plan and function: one read for both queries, its buckets parted again.
    store.write([record([sample("a", 1.0), sample("b", 2.0), sample("a", 3.0, cpu="1")])])

    a, b = store.query_columns(
        [RangeQuery(name, [], NOW - WINDOW, NOW, WINDOW + 1, "last") for name in ("a", "b")]
    )

    assert (entries(a), entries(b)) == (
        [(labels(), NOW - WINDOW, 1.0), (labels(cpu="1"), NOW - WINDOW, 3.0)],
        [(labels(), NOW - WINDOW, 2.0)],
    )


def test_a_series_without_a_bucket_in_range_is_found_but_has_no_entry(store: Storage) -> None:
    store.write(gauge_scrapes("g", [1.0], start=START - HOUR, interval=MINUTE, cpu="0"))
    store.write(gauge_scrapes("g", [2.0], start=START, interval=MINUTE, cpu="1"))

    (found,) = store.query_columns([RangeQuery("g", [], START, START + WINDOW, MINUTE, "avg")])

    assert [s.labels for s in found.series.values()] == [labels(cpu="0"), labels(cpu="1")]
    assert entries(found) == [(labels(cpu="1"), START, 2.0)]
    assert [s.labels for s in found.last()[0]] == [labels(cpu="1")]


def test_hourly_steps_give_the_tiers_buckets_as_columns(store: Storage) -> None:
    day = NOW - NOW % DAY - 2 * DAY
    store.write(gauge_scrapes("g", [1.0, 5.0, 3.0, 7.0], start=day, interval=20 * MINUTE, cpu="0"))
    store.write(gauge_scrapes("g", [9.0], start=day + HOUR, interval=MINUTE, cpu="1"))
    store.maintain(NOW)

    (found,) = store.query_columns([RangeQuery("g", [], day, day + 2 * HOUR, HOUR, "max")])

    assert found.source == "rollup"
    assert entries(found) == [
        (labels(cpu="0"), day, 5.0),
        (labels(cpu="0"), day + HOUR, 7.0),
        (labels(cpu="1"), day + HOUR, 9.0),
    ]

"""Whatever is written reads back exactly, on both backends."""

from __future__ import annotations

import math
from collections.abc import Callable

from storage import Storage
from tests.storage.builders import INSTANCE, JOB, NOW, record, sample
from tests.storage.conftest import StoreFactory


def latest_values(store: Storage) -> dict[str, float]:
    return {s.series.name: s.value for s in store.latest(JOB, INSTANCE)}


def test_special_float_values_round_trip(store: Storage) -> None:
    store.write([record([sample("a", math.nan), sample("b", math.inf), sample("c", -math.inf)])])

    values = latest_values(store)

    assert math.isnan(values["a"])
    assert values["b"] == math.inf
    assert values["c"] == -math.inf


def test_float_values_round_trip_exactly(store: Storage) -> None:
    store.write([record([sample("tiny", 5e-324), sample("third", 1 / 3), sample("big", 1.8e308)])])

    assert latest_values(store) == {"tiny": 5e-324, "third": 1 / 3, "big": 1.8e308}


def test_awkward_label_values_round_trip(store: Storage) -> None:
    awkward = 'quote " backslash \\ newline \n tab \t unicode é 漢字 🚀'
    store.write([record([sample("m", 1.0, path=awkward)])])

    (found,) = store.series("m", [])

    assert dict(found.labels)["path"] == awkward


def test_label_value_at_the_limit_round_trips(store: Storage) -> None:
    longest = "x" * 2048
    store.write([record([sample("m", 1.0, path=longest)])])

    (found,) = store.series("m", [])

    assert dict(found.labels)["path"] == longest


def test_sample_without_timestamp_gets_the_scrape_time(store: Storage) -> None:
    store.write([record([sample("m", 1.0), sample("n", 2.0, timestamp_ms=NOW - 500)], t=NOW)])

    times = {s.series.name: s.timestamp_ms for s in store.latest(JOB, INSTANCE)}

    assert times == {"m": NOW, "n": NOW - 500}


def test_rewriting_the_same_batch_stores_it_once(
    store: Storage, count_rows: Callable[[str], int]
) -> None:
    batch = [record([sample("m", 1.0)], t=NOW - 1000), record([sample("m", 2.0)], t=NOW)]
    store.write(batch)
    store.write(batch)

    assert count_rows("samples") == 2
    assert count_rows("series") == 1
    assert [(s.timestamp_ms, s.value) for s in store.latest(JOB, INSTANCE)] == [(NOW, 2.0)]


def test_a_batch_overlapping_a_stored_one_adds_only_the_new_samples(
    store: Storage, count_rows: Callable[[str], int]
) -> None:
    store.write([record([sample("m", 1.0)], t=NOW - 1000)])
    store.write([record([sample("m", 1.0)], t=NOW - 1000), record([sample("m", 2.0)], t=NOW)])

    assert count_rows("samples") == 2


def test_a_restarted_writer_reuses_the_series_already_stored(
    open_store: StoreFactory, count_rows: Callable[[str], int]
) -> None:
    open_store().write([record([sample("m", 1.0), sample("n", 1.0)], t=NOW - 1000)])
    restarted = open_store()
    restarted.write([record([sample("m", 2.0), sample("o", 2.0)], t=NOW)])

    assert count_rows("series") == 3
    assert count_rows("samples") == 4

"""Stale markers (model/staleness.py) in storage: stored with their bits, read as no value."""

from __future__ import annotations

import math

from model.staleness import STALE_NAN, is_stale
from storage import SelectLimits, Storage
from tests.storage.builders import DAY, NOW, record, sample

WIDE = SelectLimits(max_series=10, max_samples=100)
YESTERDAY = NOW - NOW % DAY - DAY


def kinds(store: Storage, start: int) -> list[tuple[int, str]]:
    """Each sample of temp as (time, "stale" | "nan" | its value)."""
    found = store.select("temp", [], start, start + 10_000, WIDE)
    return [
        (int(t) - start, "stale" if is_stale(v) else "nan" if math.isnan(v) else str(v))
        for s in found
        for t, v in zip(s.t.tolist(), s.values.tolist(), strict=True)
    ]


def write_three(store: Storage, start: int) -> None:
    for i, value in enumerate([21.5, math.nan, STALE_NAN]):
        store.write([record([sample("temp", value)], t=start + i * 1000)])


def test_a_stale_marker_reads_back_as_a_stale_marker_and_a_nan_as_a_plain_nan(
    store: Storage,
) -> None:
    write_three(store, NOW)
    assert kinds(store, NOW) == [(0, "21.5"), (1000, "nan"), (2000, "stale")]


def test_a_compacted_stale_marker_keeps_its_bits(store: Storage) -> None:
    write_three(store, YESTERDAY)
    store.maintain(NOW)
    assert kinds(store, YESTERDAY) == [(0, "21.5"), (1000, "nan"), (2000, "stale")]


def test_a_series_whose_newest_sample_is_a_stale_marker_has_no_latest_value(
    store: Storage,
) -> None:
    store.write([record([sample("temp", 21.5), sample("load", 0.5)], t=NOW - 1000)])
    store.write([record([sample("temp", STALE_NAN), sample("load", 0.25)], t=NOW)])
    assert [(s.series.name, s.value) for s in store.latest("node", "web1:9100")] == [("load", 0.25)]


def test_a_nan_is_still_a_latest_value(store: Storage) -> None:
    store.write([record([sample("temp", math.nan)], t=NOW)])
    [found] = store.latest("node", "web1:9100")
    assert math.isnan(found.value)
    assert not is_stale(found.value)

"""The engine never returns a stale marker (model/staleness.py), as Prometheus's."""

from __future__ import annotations

import time

import pytest

from model.samples import Sample
from model.staleness import STALE_NAN
from promql import Engine
from promql.results import data
from storage import ScrapeRecord, Storage

T0 = (time.time_ns() // 1_000_000 - 600_000) // 60_000 * 60_000
ROOM = (("instance", "t:1"), ("job", "room"))


@pytest.fixture
def engine(store: Storage) -> Engine:
    """temp at T0 and T0+15 s, then a stale marker at T0+30 s; load at all three."""
    for i, temp in enumerate([21.5, 22.0, STALE_NAN]):
        samples = [Sample("temp", ROOM, temp), Sample("load", ROOM, float(i))]
        record = ScrapeRecord("room", "t:1", ROOM, T0 + i * 15_000, 0.1, None, samples)
        store.write([record])
    return Engine(store)


def instant(engine: Engine, query: str, at_ms: int) -> list[tuple[str, str]]:
    rows = data(engine.instant(query, at_ms))["result"]
    return [(row["metric"].get("__name__", ""), row["value"][1]) for row in rows]


def test_a_series_whose_newest_sample_is_a_stale_marker_selects_nothing(engine: Engine) -> None:
    assert instant(engine, '{job="room"}', T0 + 45_000) == [("load", "2")]


def test_a_series_before_its_stale_marker_selects_its_value(engine: Engine) -> None:
    assert instant(engine, "temp", T0 + 20_000) == [("temp", "22")]


def test_a_range_vector_leaves_out_stale_markers(engine: Engine) -> None:
    assert instant(engine, "count_over_time(temp[1m])", T0 + 45_000) == [("", "2")]


def test_a_range_query_shows_a_gap_from_the_stale_marker_on(engine: Engine) -> None:
    result = data(engine.range("temp", T0, T0 + 45_000, 15_000))["result"]
    assert [value for _, value in result[0]["values"]] == ["21.5", "22"]

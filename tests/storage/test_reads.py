"""Series lookup with PromQL matchers, latest values and metadata."""

from __future__ import annotations

import pytest

from model.errors import QueryError
from model.matchers import Matcher
from model.samples import Metadata
from storage import Storage
from tests.storage.builders import INSTANCE, JOB, NOW, record, sample


@pytest.fixture
def cpu(store: Storage) -> Storage:
    store.write(
        [
            record(
                [
                    sample("cpu", 1.0, mode="idle"),
                    sample("cpu", 2.0, mode="user"),
                    sample("cpu", 3.0, mode="system"),
                    sample("cpu", 4.0),
                    sample("load", 0.5),
                ]
            )
        ]
    )
    return store


def modes(store: Storage, *matchers: Matcher) -> list[str]:
    return sorted(dict(s.labels).get("mode", "") for s in store.series("cpu", matchers))


def test_equal_matcher_selects_the_label_value(cpu: Storage) -> None:
    assert modes(cpu, Matcher("mode", "=", "user")) == ["user"]


def test_not_equal_matcher_keeps_series_without_the_label(cpu: Storage) -> None:
    assert modes(cpu, Matcher("mode", "!=", "user")) == ["", "idle", "system"]


def test_regex_matcher_is_fully_anchored(cpu: Storage) -> None:
    assert modes(cpu, Matcher("mode", "=~", "s.*")) == ["system"]
    assert modes(cpu, Matcher("mode", "=~", "ys")) == []


def test_negative_regex_matcher_excludes_matches(cpu: Storage) -> None:
    assert modes(cpu, Matcher("mode", "!~", "idle|user")) == ["", "system"]


def test_matching_the_empty_string_selects_series_without_the_label(cpu: Storage) -> None:
    assert modes(cpu, Matcher("mode", "=", "")) == [""]
    assert modes(cpu, Matcher("mode", "=~", "")) == [""]


def test_instance_matcher_and_no_metric_name_find_every_series_of_a_target(cpu: Storage) -> None:
    found = cpu.series(None, [Matcher("instance", "=", INSTANCE), Matcher("__name__", "=", "load")])

    assert [(s.name, dict(s.labels)) for s in found] == [
        ("load", {"instance": INSTANCE, "job": JOB})
    ]


def test_invalid_regex_is_a_query_error() -> None:
    with pytest.raises(QueryError, match=r"invalid regular expression '\(': missing \)"):
        Matcher("mode", "=~", "(")


def test_unknown_operator_is_a_query_error() -> None:
    with pytest.raises(QueryError, match=r"unknown operator '=='"):
        Matcher("mode", "==", "x")  # type: ignore[arg-type]


def test_latest_returns_the_newest_value_of_every_series_of_the_target(store: Storage) -> None:
    store.write([record([sample("m", 1.0), sample("n", 5.0)], t=NOW - 60_000)])
    store.write([record([sample("m", 2.0)], t=NOW)])
    store.write([record([sample("m", 9.0)], t=NOW, instance="other:9100")])

    latest = [(s.series.name, s.timestamp_ms, s.value) for s in store.latest(JOB, INSTANCE)]

    assert latest == [("m", NOW, 2.0), ("n", NOW - 60_000, 5.0)]


def test_latest_of_a_down_target_is_its_last_successful_scrape(store: Storage) -> None:
    store.write([record([sample("m", 1.0)], t=NOW - 60_000)])
    store.write([record(t=NOW, error="timeout")])

    assert [(s.timestamp_ms, s.value) for s in store.latest(JOB, INSTANCE)] == [(NOW - 60_000, 1.0)]


def test_metadata_is_stored_by_sample_name_and_updated(store: Storage) -> None:
    counter = Metadata("counter", "Seconds the CPUs spent in each mode.", "seconds")
    store.write([record(metadata={"node_cpu_seconds_total": counter})])
    store.write([record(t=NOW + 1, metadata={"node_load1": Metadata("gauge", "1m load.")})])
    store.write([record(t=NOW + 2, metadata={"node_load1": Metadata("gauge", "Load, 1m.")})])

    assert store.metadata("node_cpu_seconds_total") == counter
    assert store.metadata("node_load1") == Metadata("gauge", "Load, 1m.", "")
    assert store.metadata("absent") is None


def test_metadata_of_several_names_leaves_out_those_without_any(store: Storage) -> None:
    gauge = Metadata("gauge", "1m load.")
    store.write([record(metadata={"node_load1": gauge, "node_time_seconds": gauge})])

    assert store.metadata_of(["node_load1", "absent"]) == {"node_load1": gauge}

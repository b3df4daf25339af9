"""Series lookups answered from memory while no series is added (storage/known.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event

from model.matchers import Matcher
from storage import Storage
from storage.backend import Backend
from storage.known import KnownSeries
from tests.storage.builders import record, sample


@contextmanager
def statements(url: str) -> Iterator[tuple[Connection, list[str]]]:
    """A reading connection and the SELECT statements it runs (SQLite's backend adds BEGIN)."""
    backend = Backend(url)
    ran: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.startswith("SELECT"):
            ran.append(statement)

    try:
        with backend.reading() as conn:
            event.listen(conn, "before_cursor_execute", seen)
            yield conn, ran
    finally:
        backend.close()


def test_a_repeated_lookup_runs_only_the_count(store: Storage, empty_url: str) -> None:
    store.write([record([sample("node_load1", 0.5)])])
    known = KnownSeries()
    with statements(empty_url) as (conn, ran):
        first = known.finder(conn)(conn, "node_load1", [])
        second = known.finder(conn)(conn, "node_load1", [])

    assert [s.name for s in second] == ["node_load1"]
    assert second == first
    assert len(ran) == 3  # count, lookup, count


def test_a_series_added_after_a_lookup_is_found_by_the_next(store: Storage) -> None:
    store.write([record([sample("node_load1", 0.5)])])
    assert len(store.series("node_load1")) == 1

    store.write([record([sample("node_load1", 0.7, instance="web2:9100")], instance="web2:9100")])

    assert sorted(dict(s.labels)["instance"] for s in store.series("node_load1")) == [
        "web1:9100",
        "web2:9100",
    ]


def test_lookups_differing_in_a_matcher_are_kept_apart(store: Storage) -> None:
    store.write([record([sample("node_load1", 0.5)])])
    store.write([record([sample("node_load1", 0.7, instance="web2:9100")], instance="web2:9100")])

    web2 = store.series("node_load1", [Matcher("instance", "=", "web2:9100")])
    every = store.series("node_load1")

    assert [dict(s.labels)["instance"] for s in web2] == ["web2:9100"]
    assert len(every) == 2


def test_the_least_recently_used_lookup_is_dropped_past_capacity(
    store: Storage, empty_url: str
) -> None:
    store.write([record([sample("node_load1", 0.5), sample("node_load5", 0.4)])])
    known = KnownSeries(capacity=1)
    with statements(empty_url) as (conn, ran):
        for metric in ("node_load1", "node_load5", "node_load1"):
            known.finder(conn)(conn, metric, [])

    assert len(ran) == 4  # the first count, and a lookup each: node_load5 pushed node_load1 out


def test_a_lookup_not_remembered_runs_without_a_count(store: Storage, empty_url: str) -> None:
    store.write([record([sample("node_load1", 0.5), sample("node_load5", 0.4)])])
    known = KnownSeries()
    with statements(empty_url) as (conn, ran):
        known.finder(conn)(conn, "node_load1", [])
        found = known.finder(conn)(conn, "node_load5", [])

    assert [s.name for s in found] == ["node_load5"]
    assert ["count" in sql for sql in ran] == [True, False, False]

"""Range queries of one target found together (storage/lookups.py): the same series as alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, event

from model.matchers import Matcher
from storage import RangeQuery, Storage
from storage.backend import Backend
from storage.lookups import series_of
from tests.storage.builders import HOUR, NOW, record, sample

WEB1 = (Matcher("job", "=", "node"), Matcher("instance", "=", "web1:9100"))
WEB2 = (Matcher("job", "=", "node"), Matcher("instance", "=", "web2:9100"))


def query(metric: str, matchers: tuple[Matcher, ...] = WEB1) -> RangeQuery:
    return RangeQuery(metric, matchers, NOW - HOUR, NOW, 60_000, "last")


def lookups(statements: list[str]) -> list[str]:
    return [sql for sql in statements if "FROM series" in sql]


@pytest.fixture
def written(store: Storage) -> Storage:
    for instance in ("web1:9100", "web2:9100"):
        samples = [sample(name, 1.0, instance=instance) for name in ("a", "b", "aXb")]
        store.write(
            [record([*samples, sample("a", 2.0, instance=instance, cpu="1")], instance=instance)]
        )
    return store


@pytest.fixture
def conn(empty_url: str, written: Storage) -> Iterator[Connection]:
    backend = Backend(empty_url)
    with backend.reading() as opened:
        yield opened
    backend.close()


def test_queries_of_one_target_answer_as_each_would_alone(written: Storage) -> None:
    wanted = [query("a"), query("b"), query("a", WEB2), query("aXb")]

    assert written.query_ranges(wanted) == [written.query_range(q) for q in wanted]
    assert [len(result.series) for result in written.query_ranges(wanted)] == [2, 1, 2, 1]


def test_queries_of_one_target_are_found_with_one_statement(conn: Connection) -> None:
    statements: list[str] = []
    event.listen(conn, "before_cursor_execute", lambda *args: statements.append(args[2]))

    found = series_of(conn, [query("a"), query("b"), query("aXb")])

    assert [[s.name for s in each] for each in found] == [["a", "a"], ["b"], ["aXb"]]
    assert len(lookups(statements)) == 1


def test_a_metric_with_regex_characters_is_looked_up_alone_by_its_exact_name(
    conn: Connection,
) -> None:
    found = series_of(conn, [query("a.b"), query("a"), query("b")])

    assert [[s.name for s in each] for each in found] == [[], ["a", "a"], ["b"]]


def test_queries_of_the_whole_fleet_keep_one_lookup_per_metric(conn: Connection) -> None:
    statements: list[str] = []
    event.listen(conn, "before_cursor_execute", lambda *args: statements.append(args[2]))

    found = series_of(conn, [query("a", ()), query("b", ())])

    assert [len(each) for each in found] == [4, 2]
    assert len(lookups(statements)) == 2

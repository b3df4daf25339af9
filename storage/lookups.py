"""The series of several range queries, found with as few statements as they allow.

A server page asks for some thirty metrics of one target, each a query with the same job and
instance matchers; looked up one by one they cost thirty statements (about a millisecond each
with the driver's and SQLAlchemy's share), more than reading the samples. Queries that pin a
target and differ only in their metric are found together: one statement for the names, then
each query keeps its own metric's series.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from model.matchers import Matcher
from model.names import is_metric_name
from storage import reader
from storage.known import Finder
from storage.model import RangeQuery, Series

Matchers = tuple[Matcher, ...]


def series_of(
    conn: Connection, wanted: Sequence[RangeQuery], find: Finder = reader.find_series
) -> list[list[Series]]:
    """Each query's series (as ``find`` gives them), in the order of ``wanted``."""
    names: dict[Matchers, set[str]] = {}
    for query in wanted:
        # A name that is not a metric name (a regex character) would not list as one.
        if is_metric_name(query.metric):
            names.setdefault(tuple(query.matchers), set()).add(query.metric)
    found = {
        matchers: _together(conn, find, sorted(metrics), matchers)
        for matchers, metrics in names.items()
        if len(metrics) > 1 and _one_target(matchers)
    }
    return [
        [s for s in found[key] if s.name == query.metric]
        if (key := tuple(query.matchers)) in found and is_metric_name(query.metric)
        else find(conn, query.metric, query.matchers)
        for query in wanted
    ]


def _one_target(matchers: Matchers) -> bool:
    """Whether the matchers pin one instance: its few dozen series are cheap to match in Python,
    where a fleet's thousands are cheaper filtered by name in SQL, one metric at a time."""
    return any(m.name == "instance" and m.op == "=" and m.value for m in matchers)


def _together(
    conn: Connection, find: Finder, metrics: Sequence[str], matchers: Matchers
) -> list[Series]:
    # reader.find_series reads a __name__ regex that lists names through the name index.
    listed = Matcher("__name__", "=~", "|".join(metrics))
    return find(conn, None, [*matchers, listed])

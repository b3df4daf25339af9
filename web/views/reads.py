"""The range queries of several views read with one storage call.

The server page's views (charts, headline, identity, containers, processes) each ask a few range
queries of one target. Asked a view at a time they were six calls, each counting the series
table (1.5 ms at 34,000 series), looking the target's series up and running statements of its
own. ``together`` runs the views twice: against a recorder that answers every query with no
series, to learn what they ask, then against the answers to all of it, read in one call. A
query the first pass did not ask (the charts of containers found by the second) is read then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from storage import RangeQuery, RangeResult

T = TypeVar("T")


class Ranges(Protocol):
    """What the views read through: Storage, or the answers of ``together``."""

    def query_ranges(self, wanted: Sequence[RangeQuery]) -> list[RangeResult]: ...


Key = tuple[object, ...]


def _key(query: RangeQuery) -> Key:
    # RangeQuery holds its matchers as a list: not hashable itself.
    return (query.metric, tuple(query.matchers), query.start_ms, query.end_ms, query.step_ms,
            query.fn, query.max_points)  # fmt: skip


class _Recorder:
    def __init__(self) -> None:
        self.asked: list[RangeQuery] = []

    def query_ranges(self, wanted: Sequence[RangeQuery]) -> list[RangeResult]:
        self.asked.extend(wanted)
        return [RangeResult([], "raw", query.step_ms) for query in wanted]


class _Answers:
    def __init__(self, storage: Ranges, asked: Sequence[RangeQuery]) -> None:
        self._storage = storage
        self._found: dict[Key, RangeResult] = {}
        self._read(asked)

    def query_ranges(self, wanted: Sequence[RangeQuery]) -> list[RangeResult]:
        self._read(wanted)
        return [self._found[_key(query)] for query in wanted]

    def _read(self, wanted: Sequence[RangeQuery]) -> None:
        missing = {_key(q): q for q in wanted if _key(q) not in self._found}
        if missing:
            found = self._storage.query_ranges(list(missing.values()))
            self._found.update(zip(missing, found, strict=True))


def together(storage: Ranges, views: Callable[[Ranges], T]) -> T:
    """What ``views`` make of the range queries they ask, all read with one storage call."""
    recorder = _Recorder()
    views(recorder)
    return views(_Answers(storage, recorder.asked))

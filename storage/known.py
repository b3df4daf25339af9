"""Series lookups remembered between reads for as long as no series is added.

Series rows are only ever inserted (storage has no statement that updates or deletes one), so
while the table's row count is unchanged, every lookup's answer is unchanged too. Counting is
one index-only scan (1-3 ms at 34,000 series); the overview's nine lookups of a 1,000-server
fleet cost about 35 ms of statements and Series objects each time. A count, not max(id): ids
come from a sequence, and two writers (shards, the recording rules) may commit theirs out of
order, so a smaller id can appear after a larger one was seen. A read counts only when a
remembered lookup could answer it: one that must look up anyway (the first view of a server's
page) has nothing to check.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from sqlalchemy import Connection, func, select

from model.matchers import Matcher
from storage import reader, schema
from storage.model import Series

Finder = Callable[[Connection, str | None, Sequence[Matcher]], list[Series]]
"""reader.find_series's shape: the series named ``metric`` that the matchers select."""
Key = tuple[str | None, tuple[Matcher, ...]]

CAPACITY = 512
"""Lookups kept, least recently used dropped first: API callers choose the matchers."""


class KnownSeries:
    """reader.find_series, answered from memory while the series table has not grown."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._count: int | None = None
        self._found: OrderedDict[Key, tuple[Series, ...]] = OrderedDict()

    def finder(self, conn: Connection) -> Finder:
        """A find_series for reads on ``conn`` that start now; it counts the series once, at
        the first lookup it remembers."""
        counted = False

        def find(conn: Connection, metric: str | None, matchers: Sequence[Matcher]) -> list[Series]:
            nonlocal counted
            key = (metric, tuple(matchers))
            with self._lock:
                unsure = key in self._found or self._count is None
            if unsure and not counted:
                self._recount(conn)
                counted = True
            return self._find(conn, key)

        return find

    def _recount(self, conn: Connection) -> None:
        count = int(conn.scalar(select(func.count()).select_from(schema.series)) or 0)
        with self._lock:
            if count != self._count:
                self._found.clear()
                self._count = count

    def _find(self, conn: Connection, key: Key) -> list[Series]:
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
                return list(found)
            count = self._count
        series = reader.find_series(conn, *key)
        with self._lock:
            # Kept only under the count known before it was read: a lookup that started before
            # another thread saw more series may miss them. One read after a count that is
            # behind already holds the series added since, and goes at the next count.
            if count == self._count:
                self._found[key] = tuple(series)
                if len(self._found) > self._capacity:
                    self._found.popitem(last=False)
        return series

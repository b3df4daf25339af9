"""The series dictionary: (metric name, sorted labels) -> id, with an in-process id cache.

A series is unique by a 64-bit blake2b hash of its canonical text; the id itself is a plain
sequence so samples stay compact. Two different series with one hash would be refused loudly
(StorageError) rather than merged: at 2**64 that should never be seen, but it is checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from json.encoder import encode_basestring as _quoted
from typing import NamedTuple, TypeVar

from sqlalchemy import Connection, select

from model.errors import StorageError
from model.samples import Labels
from storage import bulk, schema
from storage.backend import Backend

SeriesKey = tuple[str, Labels]
T = TypeVar("T")
# Keeps each `IN (...)` well under SQLite's bound-parameter limit.
CHUNK = 1000


def labels_json(labels: Labels) -> str:
    """The labels as a JSON object sorted by name, what ``json.dumps(dict(sorted(labels)),
    ensure_ascii=False, separators=(",", ":"))`` writes: made of json's own string quoting
    (in C), as that call spent most of its 3.4 us building an encoder (1.5 us here), paid by
    every new series."""
    pairs = dict(sorted(labels)).items()
    return "{" + ",".join([_quoted(name) + ":" + _quoted(value) for name, value in pairs]) + "}"


def labels_from_json(text: str) -> Labels:
    return tuple(json.loads(text).items())


def series_hash(name: str, labels_text: str) -> int:
    # The metric name cannot contain "{", so name + labels is unambiguous.
    digest = hashlib.blake2b(f"{name}{labels_text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, signed=True)


def chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    return (items[start : start + CHUNK] for start in range(0, len(items), CHUNK))


class SeriesCache:
    """Ids of series known to be committed; filled only after the creating transaction commits."""

    def __init__(self) -> None:
        self._ids: dict[SeriesKey, int] = {}

    @property
    def known(self) -> Callable[[SeriesKey], int | None]:
        """The committed id of a series, or None."""
        return self._ids.get

    def remember(self, ids: Mapping[SeriesKey, int]) -> None:
        self._ids.update(ids)


class SeriesRow(NamedTuple):
    """A new series as stored: hash, name, labels as JSON, and the job/instance copied out."""

    hash: int
    name: str
    labels: str
    job: str | None
    instance: str | None


def resolve(backend: Backend, conn: Connection, keys: Sequence[SeriesKey]) -> dict[SeriesKey, int]:
    """Ids for `keys`, creating the missing series in bulk inside the caller's transaction."""
    if not keys:
        return {}
    rows = {row.hash: (row, key) for row, key in ((_row(*key), key) for key in keys)}
    found: Iterable[bulk.FoundSeries]
    if backend.is_postgresql:
        found = bulk.create_series(conn, [row for row, _ in rows.values()])
    else:
        insert = backend.insert(schema.series).on_conflict_do_nothing(index_elements=["hash"])
        conn.execute(insert, [row._asdict() for row, _ in rows.values()])
        found = _select_back(conn, list(rows))
    return dict(_checked(found, rows))


def _row(name: str, labels: Labels) -> SeriesRow:
    text = labels_json(labels)
    values = dict(labels)
    return SeriesRow(series_hash(name, text), name, text, values.get("job"), values.get("instance"))


def _select_back(conn: Connection, hashes: list[int]) -> Iterable[bulk.FoundSeries]:
    table = schema.series
    query = select(table.c.hash, table.c.id, table.c.name, table.c.labels)
    for chunk in chunks(hashes):
        found = conn.execute(query.where(table.c.hash.in_(chunk)))
        yield from ((hash_, id_, name, text) for hash_, id_, name, text in found)


def _checked(
    found: Iterable[bulk.FoundSeries], rows: Mapping[int, tuple[SeriesRow, SeriesKey]]
) -> Iterable[tuple[SeriesKey, int]]:
    for hash_, id_, name, text in found:
        row, key = rows[hash_]
        if (name, text) != (row.name, row.labels):
            raise StorageError(f"series hash collision between {name}{text} and {key}")
        yield key, id_

"""Metric metadata (type, help, unit) by sample name, written only when it changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, select

from model.samples import Metadata
from storage import schema
from storage.backend import Backend
from storage.series import chunks


class Catalog:
    """Remembers what was committed so a steady stream of scrapes writes no metadata at all."""

    def __init__(self) -> None:
        self._known: dict[str, Metadata] = {}

    def changed(self, metadata: Mapping[str, Metadata]) -> dict[str, Metadata]:
        return {name: m for name, m in metadata.items() if self._known.get(name) != m}

    def remember(self, metadata: Mapping[str, Metadata]) -> None:
        self._known.update(metadata)


def store(backend: Backend, conn: Connection, metadata: Mapping[str, Metadata]) -> None:
    if not metadata:
        return
    statement = backend.insert(schema.metric_metadata)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["name"],
            set_={name: statement.excluded[name] for name in ("type", "help", "unit")},
        ),
        [{"name": name, **m._asdict()} for name, m in metadata.items()],
    )


def lookup_all(conn: Connection, names: Sequence[str]) -> dict[str, Metadata]:
    """The metadata of those of ``names`` that have some."""
    table = schema.metric_metadata
    query = select(table.c.name, table.c.type, table.c.help, table.c.unit)
    return {
        name: Metadata(*rest)
        for part in chunks(names)
        for name, *rest in conn.execute(query.where(table.c.name.in_(part)))
    }

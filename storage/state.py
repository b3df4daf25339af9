"""maintenance_state: named integers that record how far maintain() has got."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select

from storage import schema
from storage.backend import Backend

# Every UTC day before this is compacted (storage/compaction.py): its samples are in chunks
# and its hours in the hourly tier; plain rows there are late ones, not compacted yet.
COMPACTED = "compacted_until"


def get_state(conn: Connection, key: str) -> int | None:
    table = schema.maintenance_state
    value = conn.scalar(select(table.c.value).where(table.c.key == key))
    return None if value is None else int(value)


def set_state(backend: Backend, conn: Connection, key: str, value: int) -> None:
    statement = backend.insert(schema.maintenance_state).values(key=key, value=value)
    conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def clear_state(conn: Connection, key: str) -> None:
    table = schema.maintenance_state
    conn.execute(delete(table).where(table.c.key == key))


def states_like(conn: Connection, prefix: str) -> list[int]:
    """The values of every key that starts with ``prefix``."""
    table = schema.maintenance_state
    found = conn.scalars(select(table.c.value).where(table.c.key.startswith(prefix)))
    return [int(value) for value in found]

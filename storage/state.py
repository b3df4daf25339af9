"""maintenance_state: named integers that record how far maintain() has got."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select

from storage import schema
from storage.backend import Backend

# Every UTC day before this is compacted (storage/compaction.py): its samples are in chunks
# and its hours in the hourly tier; plain rows there are late ones, not compacted yet.
COMPACTED = "compacted_until"
# An open day's watermark (storage/heads.py): its samples before this are in head chunks too,
# so reads take its plain rows only from here on. One key per day, "head_until_<day ms>".
HEAD_UNTIL = "head_until_"
# The head window being chunked, which a writer into it clears (storage/heads.py).
HEAD_PENDING = "head_window"


def head_key(day_ms: int) -> str:
    return f"{HEAD_UNTIL}{day_ms}"


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


def states_named(conn: Connection, prefix: str, *keys: str) -> dict[str, int]:
    """Every key that starts with ``prefix`` or is one of ``keys``, with its value: one
    statement (the writer reads what it checks per batch so)."""
    table = schema.maintenance_state
    found = conn.execute(
        select(table.c.key, table.c.value).where(
            table.c.key.startswith(prefix, autoescape=True) | table.c.key.in_(keys)
        )
    )
    return {str(key): int(value) for key, value in found}


def watermarks(conn: Connection) -> dict[int, int]:
    """Each open day that has head chunks, with its watermark (storage/heads.py)."""
    found = states_named(conn, HEAD_UNTIL)
    return {int(key.removeprefix(HEAD_UNTIL)): value for key, value in found.items()}


def states_like(conn: Connection, prefix: str) -> list[int]:
    """The values of every key that starts with ``prefix``."""
    table = schema.maintenance_state
    found = conn.scalars(select(table.c.value).where(table.c.key.startswith(prefix)))
    return [int(value) for value in found]

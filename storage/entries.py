"""Rules and receivers created in the browser or over the API: rows only.

The web app proposes a block and waits; a scraper settles the proposal (accepted or refused,
with the verdict); the scraper reads the accepted documents on every alerting tick.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Connection, Row, delete, insert, select, update

from storage import schema
from storage.model import AlertingEntry, EntryKind

TABLE = schema.alerting_entries


def propose(conn: Connection, kind: EntryKind, name: str, proposed: str, now_ms: int) -> None:
    """Put ``proposed`` up for a scraper's check; an accepted document stays in force meanwhile."""
    wanted = {"proposed": proposed, "proposed_ms": now_ms, "verdict": None}
    if find(conn, kind, name) is None:
        row = {"kind": kind, "name": name, "created_ms": now_ms, "updated_ms": now_ms}
        conn.execute(insert(TABLE).values(**row, **wanted))
    else:
        conn.execute(update(TABLE).where(*_key(kind, name)).values(**wanted))


def settle(
    conn: Connection,
    entry: AlertingEntry,
    verdict: str,
    accepted: tuple[str, str] | None,
    now_ms: int,
) -> bool:
    """Answer ``entry``'s proposal (unless a newer one replaced it meanwhile): ``accepted`` is
    the (document, shown) that replaces the one in force; False if it was no longer pending."""
    values: dict[str, Any] = {"proposed": None, "proposed_ms": None, "verdict": verdict}
    if accepted is not None:
        values.update(document=accepted[0], shown=accepted[1], updated_ms=now_ms)
    pending = TABLE.c.proposed_ms == entry.proposed_ms
    changed = conn.execute(
        update(TABLE).where(*_key(entry.kind, entry.name), pending).values(values)
    )
    return changed.rowcount > 0


def remove(conn: Connection, kind: EntryKind, name: str) -> bool:
    return conn.execute(delete(TABLE).where(*_key(kind, name))).rowcount > 0


def find(conn: Connection, kind: EntryKind, name: str) -> AlertingEntry | None:
    row = conn.execute(select(TABLE).where(*_key(kind, name))).first()
    return _entry(row) if row else None


def entries(conn: Connection) -> list[AlertingEntry]:
    """Every entry, receivers first (rules may name them), each kind by name."""
    rows = conn.execute(select(TABLE).order_by(TABLE.c.kind, TABLE.c.name))
    return [_entry(row) for row in rows]


def _key(kind: EntryKind, name: str) -> tuple[Any, Any]:
    return TABLE.c.kind == kind, TABLE.c.name == name


def _entry(row: Row[Any]) -> AlertingEntry:
    values = row._asdict()
    values["kind"] = cast(EntryKind, values["kind"])
    return AlertingEntry(**values)

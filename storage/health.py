"""The targets table: each target's health (model.health moves it) and its history."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Connection, func, insert, or_, select, tuple_

from model.health import Health, TargetHealth, advance
from model.samples import Labels
from storage import schema
from storage.backend import Backend
from storage.model import HealthChange, ScrapeRecord
from storage.series import labels_from_json, labels_json

TargetKey = tuple[str, str]


def update(backend: Backend, conn: Connection, records: Sequence[ScrapeRecord]) -> None:
    """Apply `records` in scrape order; a scrape older than the last one stored is ignored."""
    known = {(t.job, t.instance): t for t in load(conn, {(r.job, r.instance) for r in records})}
    changes: list[HealthChange] = []
    for record in sorted(records, key=lambda r: r.timestamp_ms):
        key = (record.job, record.instance)
        previous = known.get(key)
        if _is_older(record, previous):
            continue
        known[key] = current = advance(previous, record)
        if previous is None or previous.health != current.health:
            changes.append(HealthChange(*key, record.timestamp_ms, current.health, record.error))
    _store(backend, conn, known.values(), changes)


def _is_older(record: ScrapeRecord, previous: TargetHealth | None) -> bool:
    last = previous.last_scrape_ms if previous else None
    return last is not None and record.timestamp_ms < last


def load(conn: Connection, keys: Iterable[TargetKey] | None = None) -> list[TargetHealth]:
    table = schema.targets
    query = select(*(table.c[name] for name in FIELDS)).order_by(table.c.job, table.c.instance)
    if keys is not None:
        query = query.where(tuple_(table.c.job, table.c.instance).in_(list(keys)))
    # The overview loads every target on each request: positional rows, labels parsed once.
    return [
        TargetHealth(job, instance, _labels(labels), cast(Health, health), *rest)
        for job, instance, labels, health, *rest in conn.execute(query)
    ]


# TargetHealth's fields in order: the columns load() selects.
FIELDS = tuple(field.name for field in dataclasses.fields(TargetHealth))


@functools.lru_cache(maxsize=1 << 14)
def _labels(text: str) -> Labels:
    """A target's labels, parsed once per process while they stay the same."""
    return labels_from_json(text)


def history(conn: Connection, job: str, instance: str) -> list[HealthChange]:
    table = schema.health_history
    query = (
        select(table.c.job, table.c.instance, table.c.t, table.c.health, table.c.reason)
        .where(table.c.job == job, table.c.instance == instance)
        .order_by(table.c.t, table.c.id)
    )
    return [HealthChange(*row) for row in conn.execute(query)]


def changes_since(conn: Connection, since_ms: int) -> list[HealthChange]:
    """Every target's changes from ``since_ms`` on, each target's last one before it first
    (the health it had at ``since_ms``), oldest first per target."""
    table = schema.health_history
    before = (
        select(func.max(table.c.id))
        .where(table.c.t < since_ms)
        .group_by(table.c.job, table.c.instance)
        .scalar_subquery()
    )
    query = (
        select(table.c.job, table.c.instance, table.c.t, table.c.health, table.c.reason)
        .where(or_(table.c.t >= since_ms, table.c.id.in_(before)))
        .order_by(table.c.job, table.c.instance, table.c.t, table.c.id)
    )
    return [HealthChange(*row) for row in conn.execute(query)]


def _store(
    backend: Backend,
    conn: Connection,
    states: Iterable[TargetHealth],
    changes: Sequence[HealthChange],
) -> None:
    rows = [_to_row(state) for state in states]
    statement = backend.insert(schema.targets)
    columns = [c.name for c in schema.targets.c if not c.primary_key]
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["job", "instance"],
            set_={name: statement.excluded[name] for name in columns},
        ),
        rows,
    )
    if changes:
        conn.execute(insert(schema.health_history), [_change_row(c) for c in changes])


def _to_row(state: TargetHealth) -> dict[str, Any]:
    row = dataclasses.asdict(state)
    row["labels"] = labels_json(state.labels)
    return row


def _change_row(change: HealthChange) -> dict[str, Any]:
    row = change._asdict()
    row["t"] = row.pop("timestamp_ms")
    return row

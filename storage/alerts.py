"""The alerts, alert_history, silences and notification_log tables."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Row, delete, insert, select, update

from model.matchers import Matcher, MatchOp
from storage import schema
from storage.alerting import Alert, AlertEvent, AlertState, NotificationEntry, Silence
from storage.backend import Backend
from storage.series import labels_from_json, labels_json

HISTORY_LIMIT = 10_000


def save(
    backend: Backend,
    conn: Connection,
    changed: Sequence[Alert],
    removed: Sequence[str],
    events: Sequence[AlertEvent],
) -> None:
    if changed:
        statement = backend.insert(schema.alerts)
        columns = [c.name for c in schema.alerts.c if not c.primary_key]
        upsert = statement.on_conflict_do_update(
            index_elements=["fingerprint"],
            set_={name: statement.excluded[name] for name in columns},
        )
        conn.execute(upsert, [_alert_row(alert) for alert in changed])
    if removed:
        conn.execute(delete(schema.alerts).where(schema.alerts.c.fingerprint.in_(removed)))
    if events:
        conn.execute(insert(schema.alert_history), [_event_row(event) for event in events])


def load(conn: Connection) -> list[Alert]:
    table = schema.alerts
    rows = conn.execute(select(table).order_by(table.c.rule, table.c.fingerprint))
    return [_alert(row) for row in rows]


def history(conn: Connection, instance: str, state: str) -> list[AlertEvent]:
    """The newest transitions first, at most HISTORY_LIMIT of them."""
    table = schema.alert_history
    query = select(table).order_by(table.c.t.desc(), table.c.id.desc()).limit(HISTORY_LIMIT)
    if instance:
        query = query.where(table.c.instance == instance)
    if state:
        query = query.where(table.c.state == state)
    return [_event(row) for row in conn.execute(query)]


def _alert_row(alert: Alert) -> dict[str, Any]:
    return {
        "fingerprint": alert.fingerprint,
        "rule": alert.rule,
        "instance": alert.instance,
        "labels": labels_json(alert.labels),
        "annotations": labels_json(alert.annotations),
        "state": alert.state,
        "value": _stored(alert.value),
        "active_since_ms": alert.active_since_ms,
        "fired_ms": alert.fired_ms,
        "resolved_ms": alert.resolved_ms,
        "updated_ms": alert.updated_ms,
        "suppressed": int(alert.suppressed),
    }


def _alert(row: Row[Any]) -> Alert:
    values = dict(row._mapping)
    del values["instance"]
    values.update(
        labels=labels_from_json(values["labels"]),
        annotations=labels_from_json(values["annotations"]),
        state=cast(AlertState, values["state"]),
        value=_read(values["value"]),
        suppressed=bool(values["suppressed"]),
    )
    return Alert(**values)


def _event_row(event: AlertEvent) -> dict[str, Any]:
    return {
        "fingerprint": event.fingerprint,
        "rule": event.rule,
        "instance": event.instance,
        "labels": labels_json(event.labels),
        "t": event.timestamp_ms,
        "state": event.state,
        "value": _stored(event.value),
    }


def _event(row: Row[Any]) -> AlertEvent:
    values = row._mapping  # not row.t: Row.t is the row as a tuple
    return AlertEvent(
        values["fingerprint"],
        values["rule"],
        labels_from_json(values["labels"]),
        values["t"],
        cast(AlertState, values["state"]),
        _read(values["value"]),
    )


def _stored(value: float) -> float | None:
    # NULL stands for NaN, as in the samples table.
    return value if not math.isnan(value) else None


def _read(value: float | None) -> float:
    return math.nan if value is None else value


def add_silence(conn: Connection, silence: Silence) -> Silence:
    row = {
        "matchers": _matchers_json(silence.matchers),
        "starts_ms": silence.starts_ms,
        "ends_ms": silence.ends_ms,
        "comment": silence.comment,
        "created_by": silence.created_by,
        "created_ms": silence.created_ms,
    }
    created = conn.execute(insert(schema.silences).values(row).returning(schema.silences.c.id))
    return dataclasses.replace(silence, id=int(created.scalar_one()))


def silences(conn: Connection) -> list[Silence]:
    table = schema.silences
    return [_silence(row) for row in conn.execute(select(table).order_by(table.c.id))]


def end_silence(conn: Connection, silence_id: int, now_ms: int) -> bool:
    """End the silence now; False if there is none with that id or it already ended."""
    table = schema.silences
    ended = conn.execute(
        update(table)
        .where(table.c.id == silence_id, table.c.ends_ms > now_ms)
        .values(ends_ms=now_ms)
    )
    return ended.rowcount == 1


def _matchers_json(matchers: Sequence[Matcher]) -> str:
    return json.dumps([[m.name, m.op, m.value] for m in matchers], ensure_ascii=False)


def _silence(row: Row[Any]) -> Silence:
    matchers = tuple(
        Matcher(name, cast(MatchOp, op), value) for name, op, value in json.loads(row.matchers)
    )
    return Silence(
        row.id, matchers, row.starts_ms, row.ends_ms, row.comment, row.created_by, row.created_ms
    )


def notifications(conn: Connection) -> list[NotificationEntry]:
    rows = conn.execute(select(schema.notification_log))
    return [
        NotificationEntry(
            row.receiver,
            row.group_key,
            frozenset(json.loads(row.firing)),
            frozenset(json.loads(row.resolved)),
            row.sent_ms,
        )
        for row in rows
    ]


def log_notification(backend: Backend, conn: Connection, entry: NotificationEntry) -> None:
    statement = backend.insert(schema.notification_log)
    row = {
        "receiver": entry.receiver,
        "group_key": entry.group_key,
        "firing": json.dumps(sorted(entry.firing)),
        "resolved": json.dumps(sorted(entry.resolved)),
        "sent_ms": entry.sent_ms,
    }
    conn.execute(
        statement.values(row).on_conflict_do_update(
            index_elements=["receiver", "group_key"],
            set_={key: row[key] for key in ("firing", "resolved", "sent_ms")},
        )
    )

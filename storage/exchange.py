"""What a scraper tells the web app of its alerting, since the web app never reads alerts.yml:
the alerting in force (a JSON document without secrets), and the answers to test
notifications the web app asks for. Rows only."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Connection, insert, select, update

from storage import schema
from storage.backend import Backend
from storage.model import AlertingReport, NotificationTest


def save_alerting(backend: Backend, conn: Connection, report: AlertingReport) -> None:
    row = dataclasses.asdict(report)
    conn.execute(backend.upsert(schema.alerting_reports, row, "scraper"))


def alerting(conn: Connection) -> list[AlertingReport]:
    table = schema.alerting_reports
    rows = conn.execute(select(table).order_by(table.c.scraper))
    return [AlertingReport(**row._asdict()) for row in rows]


def request_test(conn: Connection, receiver: str, now_ms: int) -> NotificationTest:
    table = schema.notification_tests
    values = {"receiver": receiver, "requested_ms": now_ms}
    found = conn.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
    return NotificationTest(int(found), receiver, now_ms)


def claim_tests(conn: Connection, scraper: str, since_ms: int) -> list[NotificationTest]:
    """The requests from ``since_ms`` on that no scraper has taken yet, now ``scraper``'s: the
    update claims each row once, whichever shard gets there first."""
    table = schema.notification_tests
    open_ = select(table.c.id).where(table.c.claimed_by.is_(None), table.c.requested_ms >= since_ms)
    claimed = []
    for test_id in conn.execute(open_).scalars():
        taken = conn.execute(
            update(table)
            .where(table.c.id == test_id, table.c.claimed_by.is_(None))
            .values(claimed_by=scraper)
        )
        if taken.rowcount == 1:
            claimed.append(test_id)
    return [found for test_id in claimed if (found := find_test(conn, test_id)) is not None]


def answer_test(conn: Connection, test_id: int, results: str, now_ms: int) -> None:
    table = schema.notification_tests
    conn.execute(
        update(table).where(table.c.id == test_id).values(results=results, answered_ms=now_ms)
    )


def find_test(conn: Connection, test_id: int) -> NotificationTest | None:
    table = schema.notification_tests
    row = conn.execute(select(table).where(table.c.id == test_id)).first()
    return NotificationTest(**row._asdict()) if row else None

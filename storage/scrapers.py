"""The scrapers table: each scraper process's own report (config reload state, heartbeat)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Connection, select

from storage import schema
from storage.backend import Backend
from storage.model import ScraperStatus


def save(backend: Backend, conn: Connection, status: ScraperStatus) -> None:
    row = dataclasses.asdict(status)
    conn.execute(backend.upsert(schema.scrapers, row, "name"))


def load(conn: Connection) -> list[ScraperStatus]:
    table = schema.scrapers
    rows = conn.execute(select(table).order_by(table.c.name))
    return [ScraperStatus(**row._asdict()) for row in rows]

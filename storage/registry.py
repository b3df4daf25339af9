"""Servers registered at run time, and where each scraper's targets come from: rows only.

The web app writes registered servers and the scraper reads them as a discovery source; the
scraper writes its target sources and the web app reads them (to show each target's source,
and to refuse registering an address a file already scrapes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Row, delete, insert, select, update

from model.errors import RegistryError
from storage import schema
from storage.model import RegisteredServer, TargetOrigin, TargetSource
from storage.series import labels_from_json, labels_json


def add(conn: Connection, server: RegisteredServer) -> RegisteredServer:
    if find(conn, server.address) is not None:
        raise RegistryError(f"{server.address} is already registered", exists=True)
    conn.execute(insert(schema.registered_servers).values(_row(server)))
    return server


def replace(conn: Connection, server: RegisteredServer) -> RegisteredServer:
    table = schema.registered_servers
    changed = conn.execute(
        update(table).where(table.c.address == server.address).values(_row(server))
    )
    if changed.rowcount == 0:
        raise _missing(server.address)
    return server


def remove(conn: Connection, address: str) -> None:
    table = schema.registered_servers
    if conn.execute(delete(table).where(table.c.address == address)).rowcount == 0:
        raise _missing(address)


def find(conn: Connection, address: str) -> RegisteredServer | None:
    table = schema.registered_servers
    row = conn.execute(select(table).where(table.c.address == address)).first()
    return _server(row) if row else None


def servers(conn: Connection) -> list[RegisteredServer]:
    table = schema.registered_servers
    return [_server(row) for row in conn.execute(select(table).order_by(table.c.address))]


def save_sources(conn: Connection, scraper: str, sources: Sequence[TargetSource]) -> None:
    """Replace ``scraper``'s rows with ``sources``."""
    table = schema.target_sources
    conn.execute(delete(table).where(table.c.scraper == scraper))
    if sources:
        conn.execute(insert(table), [dataclasses.asdict(source) for source in sources])


def sources(conn: Connection) -> list[TargetSource]:
    table = schema.target_sources
    rows = conn.execute(select(table).order_by(table.c.job, table.c.address, table.c.scraper))
    return [_source(row) for row in rows]


def _row(server: RegisteredServer) -> dict[str, Any]:
    row = dataclasses.asdict(server)
    row["labels"] = labels_json(server.labels)
    return row


def _server(row: Row[Any]) -> RegisteredServer:
    values = row._asdict()
    values["labels"] = labels_from_json(values["labels"])
    return RegisteredServer(**values)


def _source(row: Row[Any]) -> TargetSource:
    values = row._asdict()
    values["source"] = cast(TargetOrigin, values["source"])
    return TargetSource(**values)


def _missing(address: str) -> RegistryError:
    return RegistryError(f"no registered server {address}", exists=False)

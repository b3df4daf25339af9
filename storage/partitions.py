"""Daily range partitions of `samples` on PostgreSQL, named samples_pYYYYMMDD (UTC).

There is deliberately no DEFAULT partition: a row parked there would make creating the real
partition for its day fail later, and retention could never drop it by day. Instead every
partition a batch needs is created before the batch is written (Limits.max_timestamp_skew_ms
keeps that to a day or two around the scrape), and maintain() creates the days ahead.
Creation runs in its own short transaction because it locks the parent table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from model.clock import DAY_MS
from storage.backend import Backend

PREFIX = "samples_p"
_LOCK = "hostwatch samples partitions"


def day_of(t_ms: int) -> int:
    return t_ms - t_ms % DAY_MS


def name_of(day_ms: int) -> str:
    return PREFIX + datetime.fromtimestamp(day_ms / 1000, UTC).strftime("%Y%m%d")


def day_from_name(name: str) -> int:
    day = datetime.strptime(name.removeprefix(PREFIX), "%Y%m%d").replace(tzinfo=UTC)
    return int(day.timestamp()) * 1000


def existing(conn: Connection) -> list[str]:
    return list(
        conn.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'samples'::regclass ORDER BY c.relname"
            )
        )
    )


class Partitions:
    """Creates missing daily partitions, remembering which days are known to exist."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._days: set[int] = set()

    def ensure(self, days: Iterable[int]) -> list[str]:
        """Create the partitions of `days` that do not exist yet; return the names created."""
        missing = set(days) - self._days
        if not missing:
            return []
        with self._backend.writing() as conn:
            self._backend.lock(conn, _LOCK)
            present = {day_from_name(name) for name in existing(conn)}
            for day in sorted(missing - present):
                _create(conn, day)
        self._days |= missing | present
        return [name_of(day) for day in sorted(missing - present)]

    def drop_before(self, horizon_ms: int) -> list[str]:
        """Drop every partition that holds only rows older than `horizon_ms`."""
        with self._backend.writing() as conn:
            self._backend.lock(conn, _LOCK)
            expired = [n for n in existing(conn) if day_from_name(n) + DAY_MS <= horizon_ms]
            for name in expired:
                conn.exec_driver_sql(f'DROP TABLE "{name}"')
        self._days -= {day_from_name(name) for name in expired}
        return expired


def _create(conn: Connection, day: int) -> None:
    conn.exec_driver_sql(
        f'CREATE TABLE IF NOT EXISTS "{name_of(day)}" PARTITION OF samples '
        f"FOR VALUES FROM ({day}) TO ({day + DAY_MS})"
    )

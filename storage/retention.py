"""maintain(): partitions ahead, rollups of closed hours, and expiry of old data.

Progress is kept in `maintenance_state` so each run only does what is new, and each step runs
in its own transaction under a lock, so concurrent runs (or a run racing the writer) are safe:
rollups are upserts and partition DDL is IF NOT EXISTS / serialised.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, delete, func, select

from storage import schema
from storage.backend import Backend
from storage.config import DAY_MS, HOUR_MS, Retention
from storage.model import MaintenanceReport
from storage.partitions import Partitions, day_of
from storage.rollups import roll_up

# An hour is rolled up only this long after it ends, so scrapes still in flight land first.
ROLLUP_DELAY_MS = 5 * 60 * 1000
DAYS_AHEAD = 2
_LOCK = "hostwatch maintenance"
_ROLLED_UP = "rolled_up_until"


class Maintenance:
    def __init__(
        self, backend: Backend, retention: Retention, partitions: Partitions | None
    ) -> None:
        self._backend = backend
        self._retention = retention
        self._partitions = partitions

    def run(self, now_ms: int) -> MaintenanceReport:
        today = day_of(now_ms)
        raw_horizon = now_ms - self._retention.raw_ms
        created = self._ahead(today)
        hours = self.roll_up(now_ms)
        dropped, raw_deleted = self._expire_raw(raw_horizon)
        return MaintenanceReport(
            partitions_created=created,
            hours_rolled_up=hours,
            partitions_dropped=dropped,
            raw_rows_deleted=raw_deleted,
            rollup_rows_deleted=self._expire(
                schema.rollups, "hour", now_ms - self._retention.rollup_ms
            ),
            # Alert history is as small as rollups and as useful for looking back; silences
            # that ended are only worth keeping while the raw data they muted is.
            alert_rows_deleted=self._expire(
                schema.alert_history, "t", now_ms - self._retention.rollup_ms
            )
            + self._expire(schema.silences, "ends_ms", raw_horizon),
        )

    def _ahead(self, today: int) -> list[str]:
        if self._partitions is None:
            return []
        return self._partitions.ensure(today + n * DAY_MS for n in range(DAYS_AHEAD + 1))

    def roll_up(self, now_ms: int) -> int:
        """Roll up every closed hour not rolled up yet, a day per transaction; return hours done."""
        closed = _hour(now_ms - ROLLUP_DELAY_MS)
        oldest = _hour(now_ms - self._retention.raw_ms)
        hours = 0
        while True:
            with self._backend.writing() as conn:
                self._backend.lock(conn, _LOCK)
                start = max(_state(conn, _ROLLED_UP, _first_hour(conn, closed)), oldest)
                end = min(start + DAY_MS, closed)
                if start >= end:
                    return hours
                roll_up(self._backend, conn, start, end)
                _set_state(self._backend, conn, _ROLLED_UP, end)
            hours += (end - start) // HOUR_MS

    def _expire_raw(self, horizon_ms: int) -> tuple[list[str], int]:
        if self._partitions is not None:
            return self._partitions.drop_before(horizon_ms), 0
        return [], self._expire(schema.samples, "t", horizon_ms)

    def _expire(self, table: Table, column: str, horizon_ms: int) -> int:
        """Delete rows of whole days before `horizon_ms`, at most once per day (a table scan)."""
        key, horizon = f"expired_{table.name}_until", day_of(horizon_ms)
        with self._backend.writing() as conn:
            self._backend.lock(conn, _LOCK)
            if _state(conn, key, 0) >= horizon:
                return 0
            deleted = conn.execute(delete(table).where(table.c[column] < horizon)).rowcount
            _set_state(self._backend, conn, key, horizon)
            return deleted


def _hour(t_ms: int) -> int:
    return t_ms - t_ms % HOUR_MS


def _first_hour(conn: Connection, closed: int) -> int:
    """Where the first roll-up starts: the first sample's hour, not ``raw_days`` of empty
    hours before it (with no sample yet, nothing to do: the last closed hour)."""
    first = conn.scalar(select(func.min(schema.samples.c.t)))
    return closed if first is None else _hour(int(first))


def _state(conn: Connection, key: str, default: int) -> int:
    table = schema.maintenance_state
    value = conn.scalar(select(table.c.value).where(table.c.key == key))
    return default if value is None else int(value)


def _set_state(backend: Backend, conn: Connection, key: str, value: int) -> None:
    statement = backend.insert(schema.maintenance_state).values(key=key, value=value)
    conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": value}))

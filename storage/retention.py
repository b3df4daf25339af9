"""maintain(): partitions ahead, compaction of closed days (chunks and the hourly tier), head
chunks of the open day's closed windows, and expiry of old data.

Progress is kept in `maintenance_state` so each run only does what is new, and each step runs
in its own transaction under a lock, so concurrent runs (or a run racing the writer) are safe.
"""

from __future__ import annotations

from sqlalchemy import Table, delete

from model.clock import DAY_MS
from storage import legacy, schema
from storage.backend import Backend
from storage.compaction import Compaction
from storage.config import Retention
from storage.heads import Heads
from storage.model import MaintenanceReport
from storage.partitions import Partitions, day_of
from storage.state import get_state, set_state

DAYS_AHEAD = 2
_LOCK = "hostwatch maintenance"


class Maintenance:
    def __init__(
        self, backend: Backend, retention: Retention, partitions: Partitions | None
    ) -> None:
        self._backend = backend
        self._retention = retention
        self._partitions = partitions
        self._compaction = Compaction(backend)
        self._heads = Heads(backend)

    def run(self, now_ms: int) -> MaintenanceReport:
        today = day_of(now_ms)
        raw_horizon = now_ms - self._retention.raw_ms
        created = self._ahead(today)
        windows, compacted = self._compaction.run(now_ms, raw_horizon)
        heads, chunked = self._heads.run(now_ms)
        rollup_horizon = now_ms - self._retention.rollup_ms
        dropped, raw_deleted = self._expire_raw(raw_horizon)
        return MaintenanceReport(
            partitions_created=created,
            legacy_rollups_moved=legacy.move_rollups(self._backend),
            windows_compacted=windows,
            samples_compacted=compacted,
            head_windows_chunked=heads,
            head_samples_chunked=chunked,
            partitions_dropped=dropped,
            raw_rows_deleted=raw_deleted,
            chunks_deleted=self._expire(schema.chunks, "start", raw_horizon),
            rollup_chunks_deleted=self._expire(schema.rollup_chunks, "start", rollup_horizon),
            # Alert history is as small as the hourly tier and as useful for looking back; silences
            # that ended are only worth keeping while the raw data they muted is.
            alert_rows_deleted=self._expire(schema.alert_history, "t", rollup_horizon)
            + self._expire(schema.silences, "ends_ms", raw_horizon),
        )

    def _ahead(self, today: int) -> list[str]:
        if self._partitions is None:
            return []
        return self._partitions.ensure(today + n * DAY_MS for n in range(DAYS_AHEAD + 1))

    def _expire_raw(self, horizon_ms: int) -> tuple[list[str], int]:
        if self._partitions is not None:
            return self._partitions.drop_before(horizon_ms), 0
        return [], self._expire(schema.samples, "t", horizon_ms)

    def _expire(self, table: Table, column: str, horizon_ms: int) -> int:
        """Delete rows of whole days before `horizon_ms`, at most once per day (a table scan)."""
        key, horizon = f"expired_{table.name}_until", day_of(horizon_ms)
        with self._backend.writing() as conn:
            self._backend.lock(conn, _LOCK)
            if (get_state(conn, key) or 0) >= horizon:
                return 0
            deleted = conn.execute(delete(table).where(table.c[column] < horizon)).rowcount
            set_state(self._backend, conn, key, horizon)
            return deleted

"""Head chunks: the closed hours of the open day as one chunk row per series, its plain rows kept.

Prometheus cuts its head into 2-hour blocks and compacts them into larger ones; here maintain()
merges each closed window (an hour) of today (closed DELAY_MS ago, as a day is) into one head
chunk per series, the chunk row at the day's start (a day's reads then decode one chunk per
series, not one per window: 5,000 window chunks of a fleet's node_load1 cost half its 24 h
read), and then raises the day's watermark (maintenance_state "head_until_<day>") to the
window's end. Reads take the day's samples before the watermark from the chunks and only those
after it from the plain rows (storage/history.py), which lie scattered among every other
series' rows of the day's partition. Nothing is deleted: the plain rows stay until the day's
final compaction (storage/compaction.py), which merges the head chunk and the plain rows into
the day chunk at the same key and drops the watermark, so the write path and its idempotence do
not change. A head chunk only ever holds samples that are also plain rows, so a stale one is
harmless: the plain row wins the merge.

A window is done in batches of series ids, one transaction each, its next id recorded as the
day's compaction records its own; the watermark moves in the last one, so a kill only leaves
chunks that the next run writes again. Late samples: a writer that commits a sample below the
watermark, or into the window being chunked, lowers the watermark to that sample's window and
clears the pending window (lower()), so reads take its plain rows and the next run chunks that
window again. The window's last transaction takes the pending key FOR UPDATE before it raises
the watermark, so of a writer and the compaction one sees the other. A writer that read the
state before the window was marked pending still holds its partition's ROW EXCLUSIVE lock: on
PostgreSQL the run waits for it (LOCK ... IN SHARE MODE) before reading the rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select, update

from model.clock import HOUR_MS
from storage import history, markers, scan, schema
from storage.backend import Backend
from storage.compaction import DELAY_MS, LOCK, WINDOW_MS, Batches, rechunked
from storage.partitions import day_of, name_of
from storage.state import (
    COMPACTED,
    HEAD_PENDING,
    HEAD_UNTIL,
    clear_state,
    get_state,
    head_key,
    set_state,
)

# An hour, not Prometheus's two: a read takes the plain rows after the watermark, 15 to 75
# minutes of them instead of 15 to 135 (the fleet's 24 h read in process: 187-191 against
# 223-227 ms median), for twice the re-encoding of the head (docs/storage.md).
HEAD_MS = HOUR_MS
_NEXT_ID = "head_from_id"
# A run chunks at most a day's windows, and as many again after late writes sent it back.
_MOST = 2 * WINDOW_MS // HEAD_MS


class Heads(Batches):
    _next_key = _NEXT_ID

    def run(self, now_ms: int) -> tuple[int, int]:
        """Chunk the open day's windows closed DELAY_MS before ``now_ms``; return (windows,
        samples) chunked."""
        closed = now_ms - DELAY_MS
        closed -= closed % HEAD_MS
        windows = samples = 0
        for _ in range(_MOST):
            window = self._next_window(closed)
            if window is None:
                break
            chunked = self._compact(window)
            # Only windows that held samples count (a quiet night's do not).
            windows += chunked > 0
            samples += chunked
        return windows, samples

    def _next_window(self, closed_ms: int) -> int | None:
        day = day_of(closed_ms)
        with self._backend.writing() as conn:
            self._backend.lock(conn, LOCK)
            pending = get_state(conn, HEAD_PENDING)
            if pending is not None and day_of(pending) == day:
                return pending
            compacted = get_state(conn, COMPACTED)
            if compacted is not None and day < compacted:
                return None
            window = get_state(conn, head_key(day)) or day
            if window >= closed_ms:
                return None
            set_state(self._backend, conn, HEAD_PENDING, window)
            set_state(self._backend, conn, _NEXT_ID, 0)
        self._wait_for_writers(window)
        return window

    def _wait_for_writers(self, window: int) -> None:
        """Let every write in flight into the window's partition commit (PostgreSQL)."""
        if not self._backend.is_postgresql:
            return
        partition = name_of(day_of(window))
        with self._backend.writing() as conn:
            if conn.exec_driver_sql(f"SELECT to_regclass('\"{partition}\"')").scalar():
                conn.exec_driver_sql(f'LOCK TABLE "{partition}" IN SHARE MODE')

    def _batch(self, conn: Connection, window: int, first_id: int, end_id: int) -> int:
        return _batch(self._backend, conn, window, first_id, end_id)

    def _finish(self, conn: Connection, window: int) -> None:
        """Raise the watermark past the window, unless a writer wrote into it meanwhile."""
        table = schema.maintenance_state
        pending = conn.scalar(
            select(table.c.value).where(table.c.key == HEAD_PENDING).with_for_update()
        )
        clear_state(conn, _NEXT_ID)
        if pending == window:
            set_state(self._backend, conn, head_key(day_of(window)), window + HEAD_MS)
            clear_state(conn, HEAD_PENDING)


def _batch(backend: Backend, conn: Connection, window: int, first_id: int, end_id: int) -> int:
    """The window's plain rows of series [first_id, end_id) merged into their head chunks."""
    s = schema.samples
    ids, times, values = scan.samples(
        conn,
        select(s.c.series_id, s.c.t, s.c.value).where(
            s.c.series_id >= first_id,
            s.c.series_id < end_id,
            s.c.t >= window,
            s.c.t < window + HEAD_MS,
        ),
    )
    if not ids.size:
        return 0
    values = markers.restored(values)
    fresh = {i: (t, v) for i, t, v in history.split_arrays(ids, times, values, ordered=False)}
    rechunked(backend, conn, day_of(window), first_id, end_id, fresh)
    return int(ids.size)


def lower(conn: Connection, state: dict[str, int], times: Sequence[int]) -> None:
    """After a batch's rows went in: where one lies below its day's watermark, or in the
    window being chunked, lower the watermark to that sample's window and clear the pending
    window, so reads take the plain rows there and maintain() chunks it again. ``state`` is
    the maintenance state the writer read after loading the rows (the head keys)."""
    ceilings = {
        int(key.removeprefix(HEAD_UNTIL)): value
        for key, value in state.items()
        if key.startswith(HEAD_UNTIL)
    }
    pending = state.get(HEAD_PENDING)
    if pending is not None:
        day = day_of(pending)
        ceilings[day] = max(ceilings.get(day, day), pending + HEAD_MS)
    # The common case, a scrape of now: one comparison.
    if not ceilings or not times or min(times) >= max(ceilings.values()):
        return
    for day, ceiling in ceilings.items():
        oldest = min((t for t in times if day <= t < ceiling), default=None)
        if oldest is None:
            continue
        if pending is not None and day_of(pending) == day:
            clear_state(conn, HEAD_PENDING)
        table = schema.maintenance_state
        floor = oldest - oldest % HEAD_MS
        conn.execute(
            update(table)
            .where(table.c.key == head_key(day), table.c.value > floor)
            .values(value=floor)
        )

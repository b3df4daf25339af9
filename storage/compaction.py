"""Compaction: every closed UTC day of plain sample rows becomes one compressed chunk per series.

Each run of maintain() takes one window at a time: a window left half done by a killed run,
else a compacted window that got plain rows since (a late sample, a retried batch, an
import), else the next day that closed more than DELAY_MS ago. A window is done in batches
of series ids, one transaction each: take the batch's plain rows of the window, merge them
with the window's existing chunk, write the chunk, and record the next id and how many rows
were taken so far. A kill at any point rolls back at most one batch, and the next run goes on
from the recorded id: nothing lost, nothing twice.

Taking the rows differs by backend. SQLite deletes them as it reads them (DELETE ... RETURNING,
so exactly the rows read are removed) and gives the freed pages back (backend.reclaim: PRAGMA
incremental_vacuum, page by page). PostgreSQL only reads them (a binary COPY of
a SELECT): the window is a whole daily partition, emptied at the end with one TRUNCATE, under
an exclusive lock and only if it holds exactly as many rows as the batches took (rows are only
ever added to it, so the same count is the same rows). Deleting row by row cost a WAL record
per row and a third of compaction's time, and left dead rows for TRUNCATE anyway. Until the
TRUNCATE a compacted sample is both a plain row and in its chunk; reads merge the two (the
plain row wins, and it is the same sample), so it is read once.

Windows are marked compacted before their batches run, so a writer that commits plain rows
into one afterwards flags it as late (writer.py) and it is compacted again; so is a PostgreSQL
window whose count did not match at the end (rows came in after their batch was read).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from sqlalchemy import ColumnElement, Connection, Table, delete, func, select

from model.clock import DAY_MS
from storage import bulk, codec, history, schema, tiers
from storage.backend import Backend, reclaim
from storage.codec import Times, Values
from storage.history import Arrays
from storage.partitions import day_from_name, day_of, existing, name_of
from storage.state import COMPACTED, clear_state, get_state, head_key, set_state, states_like

WINDOW_MS = DAY_MS
# A day is compacted this long after it ends, so scrapes in flight and the last hour's
# rollup (retention.ROLLUP_DELAY_MS) land first.
DELAY_MS = 15 * 60 * 1000
BATCH = 500
LATE = "late_window_"
_PENDING = "compacting_window"
_NEXT_ID = "compacting_from_id"
_TAKEN = "compacting_rows_taken"
LOCK = "hostwatch compaction"


def late_key(window_ms: int) -> str:
    return f"{LATE}{window_ms}"


class Batches(ABC):
    """A window done in batches of series ids, one transaction each, the next batch's first
    id recorded under ``_next_key``: a kill rolls back at most one batch."""

    _next_key: str

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def _compact(self, window: int) -> int:
        samples = 0
        while (taken := self._step(window)) is not None:
            samples += taken
        return samples

    def _step(self, window: int) -> int | None:
        """The window's next batch of series in one transaction: the samples it took, or None
        when the window is done."""
        with self._backend.writing() as conn:
            self._backend.lock(conn, LOCK)
            first = get_state(conn, self._next_key) or 0
            if first > (conn.scalar(select(func.max(schema.series.c.id))) or 0):
                self._finish(conn, window)
                return None
            taken = self._batch(conn, window, first, first + BATCH)
            set_state(self._backend, conn, self._next_key, first + BATCH)
            return taken

    @abstractmethod
    def _batch(self, conn: Connection, window: int, first_id: int, end_id: int) -> int:
        """Series [first_id, end_id) of the window: the samples taken."""

    @abstractmethod
    def _finish(self, conn: Connection, window: int) -> None:
        """What ends the window, in the transaction that found no series left."""


class Compaction(Batches):
    _next_key = _NEXT_ID

    def run(self, now_ms: int, oldest_ms: int) -> tuple[int, int]:
        """Compact what is due; return (windows, samples) compacted."""
        closed = day_of(now_ms - DELAY_MS)
        windows = samples = 0
        while (window := self._next_window(closed, oldest_ms)) is not None:
            samples += self._compact(window)
            windows += 1
        return windows, samples

    def _next_window(self, closed_ms: int, oldest_ms: int) -> int | None:
        with self._backend.writing() as conn:
            self._backend.lock(conn, LOCK)
            pending = get_state(conn, _PENDING)
            if pending is not None:
                return pending
            late = states_like(conn, LATE)
            if late:
                window = min(late)
                clear_state(conn, late_key(window))
            else:
                done = get_state(conn, COMPACTED)
                window = (
                    _first_window(self._backend, conn, closed_ms, oldest_ms)
                    if done is None
                    else done
                )
                if window >= closed_ms:
                    if done is None:
                        # Nothing before this day needs compacting: reads may trust the tier.
                        set_state(self._backend, conn, COMPACTED, window)
                    return None
                set_state(self._backend, conn, COMPACTED, window + WINDOW_MS)
            set_state(self._backend, conn, _PENDING, window)
            set_state(self._backend, conn, _NEXT_ID, 0)
            return window

    def _batch(self, conn: Connection, window: int, first_id: int, end_id: int) -> int:
        taken = _batch(self._backend, conn, window, first_id, end_id)
        set_state(self._backend, conn, _TAKEN, (get_state(conn, _TAKEN) or 0) + taken)
        return taken

    def _finish(self, conn: Connection, window: int) -> None:
        taken = get_state(conn, _TAKEN) or 0
        for key in (_PENDING, _NEXT_ID, _TAKEN, head_key(window)):
            clear_state(conn, key)
        if not self._backend.is_postgresql:
            reclaim(conn)
            return
        partition = name_of(window)
        if conn.exec_driver_sql(f"SELECT to_regclass('\"{partition}\"')").scalar() is None:
            return
        # Locked before anything else here, as writers lock it before flagging late windows.
        conn.exec_driver_sql(f'LOCK TABLE "{partition}" IN ACCESS EXCLUSIVE MODE')
        if conn.exec_driver_sql(f'SELECT count(*) FROM "{partition}"').scalar() == taken:
            conn.exec_driver_sql(f'TRUNCATE "{partition}"')
        else:
            set_state(self._backend, conn, late_key(window), window)


def _first_window(backend: Backend, conn: Connection, closed_ms: int, oldest_ms: int) -> int:
    """Where the first run starts: the oldest day with plain rows still kept (a database
    upgraded from plain rows only), or the last closed day of an empty one."""
    oldest = _oldest_day(backend, conn)
    return closed_ms if oldest is None else max(oldest, day_of(oldest_ms))


def _oldest_day(backend: Backend, conn: Connection) -> int | None:
    """The day of the oldest plain row. On PostgreSQL the first partition that holds a row:
    min(t) would read every partition through, as no btree index leads with t."""
    if not backend.is_postgresql:
        oldest_row = conn.scalar(select(func.min(schema.samples.c.t)))
        return None if oldest_row is None else day_of(int(oldest_row))
    for name in existing(conn):
        if conn.exec_driver_sql(f'SELECT EXISTS (SELECT 1 FROM "{name}")').scalar():
            return day_from_name(name)
    return None


def _batch(backend: Backend, conn: Connection, window: int, first_id: int, end_id: int) -> int:
    """Move the plain rows of series [first_id, end_id) in the window into their chunks."""
    ids, times, values = _taken(backend, conn, window, first_id, end_id)
    if not ids.size:
        return 0
    fresh = {i: (t, v) for i, t, v in history.split_arrays(ids, times, values, ordered=False)}
    merged = rechunked(backend, conn, window, first_id, end_id, fresh)
    r = schema.rollup_chunks
    # A tier row may outlive its chunk (rollup_days > raw_days), so that one is always cleared.
    conn.execute(delete(r).where(*_among(r, first_id, end_id, merged), r.c.start == window))
    hours = [row for i, arrays in merged.items() if (row := _tier(i, window, arrays))]
    bulk.insert(backend, conn, r, hours)
    return int(ids.size)


def rechunked(
    backend: Backend,
    conn: Connection,
    day: int,
    first_id: int,
    end_id: int,
    fresh: dict[int, Arrays],
) -> dict[int, Arrays]:
    """Each series of ``fresh`` (among ids [first_id, end_id)) merged with its chunk of the
    day (the day's, or its head chunk, storage/heads.py) and written back as the day's one
    chunk; of two samples at one time the fresh one wins. Returns the merged samples."""
    c = schema.chunks
    in_day = (c.c.start >= day, c.c.start < day + WINDOW_MS)
    kept = conn.execute(
        select(c.c.series_id, c.c.data)
        .where(c.c.series_id >= first_id, c.c.series_id < end_id, *in_day)
        .order_by(c.c.series_id, c.c.start)
    ).all()
    old: dict[int, list[Arrays]] = {}
    for series_id, data in kept:
        if series_id in fresh:
            old.setdefault(int(series_id), []).append(codec.decode(bytes(data)))
    merged = {i: history.merge([*old.get(i, []), a]) for i, a in fresh.items()}
    if old:
        conn.execute(delete(c).where(*_among(c, first_id, end_id, merged), *in_day))
    bulk.insert(backend, conn, c, [_chunk(i, day, arrays) for i, arrays in merged.items()])
    return merged


def _taken(
    backend: Backend, conn: Connection, window: int, first_id: int, end_id: int
) -> tuple[Times, Times, Values]:
    """The columns of the plain rows of series [first_id, end_id) in the window, deleted on
    SQLite, left for the partition's TRUNCATE on PostgreSQL."""
    in_batch = f"series_id >= {first_id} AND series_id < {end_id}"
    return bulk.taken(backend, conn, f"{in_batch} AND t >= {window} AND t < {window + WINDOW_MS}")


def _among(
    table: Table, first_id: int, end_id: int, ids: dict[int, Arrays]
) -> tuple[ColumnElement[bool], ...]:
    column = table.c.series_id
    return (column >= first_id, column < end_id, column.in_(list(ids)))


def _chunk(series_id: int, window: int, arrays: Arrays) -> bulk.Row:
    """The chunk row, in sample_chunks' column order."""
    times, values = arrays
    data = codec.encode(times, values)
    return series_id, window, int(times[0]), int(times[-1]), int(times.size), data


def _tier(series_id: int, window: int, arrays: Arrays) -> bulk.Row | None:
    """The day's hourly tier row, in rollup_chunks' column order; None when the day holds
    only NaN."""
    partials = tiers.hourly(*arrays)
    if not partials.hour.size:
        return None
    return series_id, window, tiers.encode(partials)

"""Raw samples of many series over a time range, as numpy arrays: compressed chunks and the
plain rows not compacted yet, merged.

Two statements for any number of series (storage/scan.py reads their rows without a Python
object per sample: binary COPY on PostgreSQL), the chunks decoded one by one (a day-long
chunk decodes in about 21 us; decoding a thousand at once in shared numpy passes measured
31 against 36 ms, its passes no longer in the cache: not worth a second decoder, and again at
2,000 no faster, the byte shuffle of all of them at once being the slow part), then one
stable sort in numpy.

A sample can be in both places only when a batch was written again after its window was
compacted (a retry, an import run twice); the plain row then wins, which is also what the
next compaction of that window keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Connection, Select, or_, select

from model.clock import DAY_MS, HOUR_MS
from storage import codec, markers, scan, schema, tiers
from storage.codec import Times, Values
from storage.state import COMPACTED, get_state, watermarks
from storage.tiers import Owned

CHUNK_MS = DAY_MS  # storage/compaction.py WINDOW_MS: the span one chunk row holds at most
Among = Callable[[ColumnElement[int]], ColumnElement[bool]]
Arrays = tuple[Times, Values]


@dataclass(frozen=True, slots=True)
class Columns:
    """Samples of many series as three arrays: grouped by series (ascending id), in time
    order within each, one sample per series and time."""

    ids: Times
    times: Times
    values: Values

    def by_series(self) -> dict[int, Arrays]:
        """Each series' (times, values), views into the columns."""
        if not self.ids.size:
            return {}
        return {i: (t, v) for i, t, v in split_arrays(self.ids, self.times, self.values)}


_NONE = Columns(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))


def read(
    conn: Connection, among: Among, low_ms: int, high_ms: int, by_time: bool = False
) -> dict[int, Arrays]:
    """Every sample of the series ``among`` selects with low_ms <= t <= high_ms, by time; NaN
    (stored as NULL in plain rows) included."""
    return read_columns(conn, among, low_ms, high_ms, by_time).by_series()


def read_columns(
    conn: Connection, among: Among, low_ms: int, high_ms: int, by_time: bool = False
) -> Columns:
    """``read`` as columns: two statements (chunks, plain rows) whatever the number of series,
    no Python object per sample."""
    # The watermarks before the chunks: a head chunk read after them holds at least what they
    # promise (read the other way, a window chunked in between would be in neither read).
    marks = watermarks(conn)
    spans = plain_spans(low_ms, high_ms, marks)
    may = chunked_may(low_ms, high_ms, marks)
    chunked = _chunked(conn, among, low_ms, high_ms) if may else _NONE
    if not spans:
        return merged([chunked])
    return merged([chunked, _plain(conn, among, spans, by_time)])


def _plain(
    conn: Connection, among: Among, spans: Sequence[tuple[int, int]], by_time: bool
) -> Columns:
    """The plain rows in ``spans``; by time (PostgreSQL's) without parallel workers: the
    planner expects the series condition to keep most rows, so it splits the BRIN range
    among workers, whose start and tuple queue cost more than the scan of a fleet's last
    minutes (the overview's 10 minutes of 12,000 series: 31 against 22 ms serial, load 3).
    Over more than an hour of plain rows the workers pay: a fleet's 24 h of them (bench/promql.py)
    took 0.5-0.9 s longer serial (3.21-3.58 against 2.66 s, one run each on the quiet machine)."""
    serial = by_time and sum(high - low for low, high in spans) <= HOUR_MS
    if serial:
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    ids, times, values = scan.samples(conn, _rows(among, spans, by_time))
    if serial:
        # Back to the session's value for the connection's later statements; on an error the
        # transaction's end undoes the SET LOCAL.
        conn.exec_driver_sql("RESET max_parallel_workers_per_gather")
    return Columns(ids, times, markers.restored(values))


def plain_spans(low_ms: int, high_ms: int, marks: dict[int, int]) -> list[tuple[int, int]]:
    """The parts of [low_ms, high_ms] (inclusive spans) whose samples must be read from plain
    rows: all of it but, for each open day with head chunks, the day's start up to its
    watermark (storage/heads.py), whose samples the chunks hold."""
    spans = []
    at = low_ms
    for day, until in sorted(marks.items()):
        if until <= max(day, at) or day > high_ms:
            continue
        if day > at:
            spans.append((at, day - 1))
        at = until
    if at <= high_ms:
        spans.append((at, high_ms))
    return spans


def chunked_may(low_ms: int, high_ms: int, marks: dict[int, int]) -> bool:
    """Whether chunks may hold samples of [low_ms, high_ms]: not when it lies in an open day at
    or above that day's watermark, where plain rows hold every sample (head chunks stop below
    it; a late write lowers it first). The overview's last minutes then skip the chunk
    statement, whose 12,000 series ids alone cost about 5 ms to send and plan."""
    day = low_ms - low_ms % DAY_MS
    until = marks.get(day)
    return until is None or low_ms < until or high_ms >= day + DAY_MS


def _chunked(conn: Connection, among: Among, low_ms: int, high_ms: int) -> Columns:
    """The samples in [low_ms, high_ms] of the chunks that overlap it, decoded."""
    found = scan.rows_of(conn, _chunks(among, low_ms, high_ms))
    if not found:
        return _NONE
    # bytes(): PostgreSQL's driver gives bytea as a memoryview of single-byte strings.
    decoded = [codec.decode(bytes(data)) for _, data in found]
    kept = [_between(times, values, low_ms, high_ms) for times, values in decoded]
    sizes = [times.size for times, _ in kept]
    ids = np.repeat(np.array([series_id for series_id, _ in found], dtype=np.int64), sizes)
    times = np.concatenate([times for times, _ in kept])
    values = np.concatenate([values for _, values in kept])
    return Columns(ids, times, values)


def _between(times: Times, values: Values, low_ms: int, high_ms: int) -> Arrays:
    """A chunk's samples in [low_ms, high_ms]: one slice, the chunk being in time order. Cut
    before the copy into columns, not masked after it (twice the cost: a 24 h read decodes a
    day chunk per series for the hours after yesterday's same time)."""
    start, end = times.searchsorted(low_ms), times.searchsorted(high_ms, "right")
    return times[start:end], values[start:end]


def merged(parts: Sequence[Columns]) -> Columns:
    """The parts' samples as one set of columns; of two samples of a series at one time the
    later part's wins (the plain row over the chunk). Each part holds a sample per series and
    time at most, in any order."""
    found = [part for part in parts if part.ids.size]
    if not found:
        return _NONE
    if len(found) == 1 and _ordered(found[0]):
        return found[0]
    ids = np.concatenate([part.ids for part in found])
    times = np.concatenate([part.times for part in found])
    # A stable sort: at one (series, time) the later part's sample comes last.
    order = _sorting(ids, times)
    ids, times = ids[order], times[order]
    values = np.concatenate([part.values for part in found])[order]
    if len(found) == 1:
        return Columns(ids, times, values)
    last = np.append((ids[1:] != ids[:-1]) | (times[1:] != times[:-1]), True)
    if last.all():  # the common case: no sample rewritten beside its chunk
        return Columns(ids, times, values)
    return Columns(ids[last], times[last], values[last])


def _sorting(ids: Times, times: Times) -> npt.NDArray[np.intp]:
    """``np.lexsort((times, ids))``, as one stable sort of a key that orders like (series,
    time): numpy's stable sort of integers is a timsort, which merges runs already in order
    (a read's chunk samples are one, its plain rows a few short ones), where lexsort sorts
    everything twice (the fleet's 24 h read: 713,000 samples, 25 against 6 ms)."""
    first, low = int(ids.min()), int(times.min())
    span = int(times.max()) - low + 1
    if (int(ids.max()) - first + 1) * span >= 2**63:
        return np.lexsort((times, ids))
    return np.argsort((ids - first) * span + (times - low), kind="stable")


def _ordered(part: Columns) -> bool:
    """Whether ``part`` is grouped by series (ascending) and in time order within each."""
    step = part.ids[1:] - part.ids[:-1]
    return bool(((step > 0) | ((step == 0) & (part.times[1:] > part.times[:-1]))).all())


def hourly(conn: Connection, among: Among, low_ms: int, high_ms: int) -> Owned:
    """The hourly partials of the series ``among`` selects for the hours in [low_ms, high_ms]
    (hour starts), grouped by series: from the hourly tier for compacted days, from raw
    samples after them. All series together: one by one, the partials of a server page's 30
    days cost more numpy calls than their rows cost to decode."""
    compacted = get_state(conn, COMPACTED) or low_ms
    parts = [_tier(conn, among, low_ms, high_ms, compacted)]
    recent = max(low_ms, compacted)
    if recent <= high_ms:
        # Whole hours: the last one's samples run to its end, as its tier entry would.
        end = high_ms - high_ms % HOUR_MS + HOUR_MS - 1
        raw = read_columns(conn, among, recent, end)
        parts.append(tiers.hourly_of(raw.ids, raw.times, raw.values))
    return tiers.concatenate(parts)


def _tier(conn: Connection, among: Among, low_ms: int, high_ms: int, before: int) -> Owned:
    """The partials of the hours in [low_ms, high_ms] from the tier's days before ``before``,
    every row decoded together."""
    r = schema.rollup_chunks
    found = scan.rows_of(
        conn,
        select(r.c.series_id, r.c.data)
        .where(among(r.c.series_id), r.c.start > low_ms - DAY_MS, r.c.start <= high_ms)
        .where(r.c.start < before)
        .order_by(r.c.series_id, r.c.start),
    )
    # bytes(): PostgreSQL's driver gives bytea as a memoryview of single-byte strings.
    hours, partials = tiers.decode_many([bytes(data) for _, data in found])
    ids = np.repeat(np.array([series_id for series_id, _ in found], dtype=np.int64), hours)
    keep = (partials.hour >= low_ms) & (partials.hour <= high_ms)
    return ids[keep], partials.where(keep)


def merge(parts: Sequence[Arrays]) -> Arrays:
    """One series' pieces in time order; of two samples at one time the later piece's wins."""
    if len(parts) == 1:
        return parts[0]
    times = np.concatenate([t for t, _ in parts])
    values = np.concatenate([v for _, v in parts])
    order = np.argsort(times, kind="stable")
    times, values = times[order], values[order]
    # Keep the last of each run of equal timestamps: the piece given later.
    last = np.append(times[1:] != times[:-1], True)
    return times[last], values[last]


def _chunks(among: Among, low_ms: int, high_ms: int) -> Select[int, bytes]:
    c = schema.chunks
    return (
        select(c.c.series_id, c.c.data)
        .where(among(c.c.series_id), c.c.start <= high_ms, c.c.last_t >= low_ms)
        # A chunk holds one compaction window (a day) from its start: without this bound the
        # primary key gives every chunk of each series up to high_ms, all then filtered on
        # last_t (the overview's last five minutes read 24,000 chunk rows of a 2-day fleet).
        .where(c.c.start > low_ms - CHUNK_MS)
        .order_by(c.c.series_id, c.c.start)
    )


def _rows(
    among: Among, spans: Sequence[tuple[int, int]], by_time: bool
) -> Select[int, int, float | None]:
    s = schema.samples
    # By time: the series condition on an expression, which no index matches, so PostgreSQL
    # finds the rows through the BRIN index on t alone (not one primary-key probe per series)
    # and filters them in that scan. It was a subquery fenced by OFFSET 0 before: the filter
    # then ran in a node above it, 25 against 16 ms for the overview's 10 minutes of rate.
    series = s.c.series_id + 0 if by_time else s.c.series_id
    return (
        select(s.c.series_id, s.c.t, s.c.value)
        # No ORDER BY: sorting a fleet's day of rows spilled to disk and tripled the
        # statement's time; merged() sorts them in numpy.
        .where(among(series), _within(s.c.t, spans))
    )


def _within(t: ColumnElement[int], spans: Sequence[tuple[int, int]]) -> ColumnElement[bool]:
    return or_(*((t >= low) & (t <= high) for low, high in spans))


def split_arrays(
    ids: Times, times: Times, values: Values, ordered: bool = True
) -> list[tuple[int, Times, Values]]:
    """The columns of (series_id, t, value) rows as one pair of arrays per series."""
    if not ordered:
        order = np.lexsort((times, ids))
        ids, times, values = ids[order], times[order], values[order]
    edges = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    starts = np.concatenate(([0], edges)).tolist()
    ends = np.concatenate((edges, [ids.size])).tolist()
    first_ids = ids[starts].tolist() if ids.size else []
    return [(i, times[a:b], values[a:b]) for i, a, b in zip(first_ids, starts, ends, strict=True)]

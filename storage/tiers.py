"""The hourly tier: per series and hour, the aggregates that answer avg, min, max, last and rate
exactly as the raw samples of the same hours do, stored compressed one row per series and day.

An hour's partial is count, sum, min and max of its samples, its first and last sample (time and
value), and the counter increase between its own samples (a decrease is a reset: the new value
is the increase). The step from one hour's last value to the next hour's first is added when
a query combines them, so rate over hours counts resets and the gaps between hours exactly as
rate over raw samples. NaN samples are left out, as every range query leaves them out.

A day of partials is encoded like a chunk (storage/codec.py): the integer columns as deltas
(hour start as delta-of-delta, first/last time as offsets into the hour), the float columns
XOR-ed with the previous hour's, all byte-shuffled together and compressed with zstd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from model.clock import HOUR_MS
from model.errors import StorageError
from storage import codec
from storage.buckets import IEEE, NONE, occupied
from storage.codec import Times, Values
from storage.model import BucketColumns, Function

_VERSION = 1
_INTS = ("hour", "count", "first_t", "last_t")
_FLOATS = ("sum", "min", "max", "first_value", "last_value", "increase")
_COLUMNS = len(_INTS) + len(_FLOATS)


@dataclass(frozen=True, slots=True)
class Partials:
    """Hourly aggregates of one series, by hour."""

    hour: Times
    count: Times
    first_t: Times
    last_t: Times
    sum: Values
    min: Values
    max: Values
    first_value: Values
    last_value: Values
    increase: Values

    def where(self, keep: npt.NDArray[np.bool_]) -> Partials:
        return Partials(*(getattr(self, name)[keep] for name in _INTS + _FLOATS))


Owned = tuple[Times, Partials]
"""Hourly partials of many series, each hour's series id beside them."""


@IEEE
def hourly(times: Times, values: Values) -> Partials:
    """The hourly partials of one series' samples (ordered by time)."""
    return hourly_of(np.zeros_like(times), times, values)[1]


@IEEE
def hourly_of(owner: Times, times: Times, values: Values) -> Owned:
    """The hourly partials of many series' samples (each sample's series, time and value;
    grouped by series, each series' in time order), each hour's series beside them."""
    keep = ~np.isnan(values)
    owner, times, values = owner[keep], times[keep], values[keep]
    if not times.size:
        return owner, _empty()
    hours = times - times % HOUR_MS
    opens = (hours[1:] != hours[:-1]) | (owner[1:] != owner[:-1])
    first = np.concatenate(([0], np.flatnonzero(opens) + 1)).astype(np.intp)
    last = np.append(first[1:], hours.size) - 1
    current, previous = values[1:], values[:-1]
    step = np.where(current >= previous, current - previous, current)
    # A sample that opens its hour adds nothing inside it.
    step[opens] = 0.0
    increase = np.concatenate(([0.0], step))
    return owner[first], Partials(
        hours[first],
        (last - first + 1).astype(np.int64),
        times[first],
        times[last],
        np.add.reduceat(values, first),
        np.minimum.reduceat(values, first),
        np.maximum.reduceat(values, first),
        values[first],
        values[last],
        np.add.reduceat(increase, first),
    )


def concatenate(parts: Sequence[Owned]) -> Owned:
    """Partials of many series as one, grouped by series; of each series' hours those of an
    earlier part come first (the parts' hours of one series lie in part order)."""
    owner = np.concatenate([ids for ids, _ in parts])
    order = np.argsort(owner, kind="stable")
    joined = (np.concatenate([getattr(p, name) for _, p in parts]) for name in _INTS + _FLOATS)
    return owner[order], Partials(*(column[order] for column in joined))


def encode(partials: Partials) -> bytes:
    hour = partials.hour
    offsets = np.stack([hour, partials.count, partials.first_t - hour, partials.last_t - hour])
    ints = _deltas(offsets)
    ints[0] = codec.delta(ints[0])  # the hour column as delta-of-delta
    floats = np.stack([getattr(partials, name) for name in _FLOATS]).view(np.uint64)
    xored = floats.copy()
    xored[:, 1:] ^= floats[:, :-1]
    words = np.concatenate([codec.zigzag(ints).ravel(), xored.ravel()])
    return bytes((_VERSION,)) + codec.compress(codec.shuffle(words))


def decode_many(rows: Sequence[bytes]) -> tuple[npt.NDArray[np.int64], Partials]:
    """Each row's number of hours, and the partials ``encode`` made the rows of, one after
    another in the rows' order. Rows of one length (nearly all: a day has 24 hours) are decoded
    together, one numpy pass per kind of column for all of them: a 30-day chart reads a row per
    series and day, a thousand for a server page, and one by one each cost about 40 us."""
    bodies = _bodies(rows)
    hours = np.array([len(body) for body in bodies], dtype=np.int64) // (_COLUMNS * codec.WORD)
    starts = np.cumsum(hours) - hours
    ints = np.empty((len(_INTS), int(hours.sum())), dtype=np.int64)
    floats = np.empty((len(_FLOATS), ints.shape[1]), dtype=np.float64)
    for length in np.unique(hours[hours > 0]).tolist():
        alike = np.flatnonzero(hours == length)
        words = _words(b"".join(bodies[i] for i in alike.tolist()), alike.size, length)
        at = (starts[alike, np.newaxis] + np.arange(length)).ravel()
        ints[:, at], floats[:, at] = _columns(words)
    hour = ints[0]
    partials = Partials(hour, ints[1], ints[2] + hour, ints[3] + hour, *floats)
    return hours, partials


def _bodies(rows: Sequence[bytes]) -> list[bytes]:
    """Each row's words, still shuffled."""
    if any(not data or data[0] != _VERSION for data in rows):
        raise StorageError("not a hostwatch rollup chunk (unknown header)")
    bodies = codec.decompress_all(data[1:] for data in rows)
    if any(len(body) % (_COLUMNS * codec.WORD) for body in bodies):
        raise StorageError("corrupt rollup chunk: its columns are not of one length")
    return bodies


def _words(bodies: bytes, rows: int, hours: int) -> npt.NDArray[np.uint64]:
    """``rows`` bodies of ``hours`` hours each, unshuffled: by row, column and hour."""
    planes = np.frombuffer(bodies, dtype=np.uint8).reshape(rows, codec.WORD, -1)
    words = np.ascontiguousarray(planes.transpose(0, 2, 1)).view(np.uint64)
    return words.reshape(rows, _COLUMNS, hours)


def _columns(
    words: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The integer columns (hour, count and the offsets of first and last time into the hour)
    and the float columns of ``_words``' rows, each by column and then row after row."""
    ints = np.cumsum(codec.unzigzag(words[:, : len(_INTS)]), axis=2)
    ints[:, 0] = np.cumsum(ints[:, 0], axis=1)
    floats = np.bitwise_xor.accumulate(words[:, len(_INTS) :], axis=2).view(np.float64)
    return _by_column(ints), _by_column(floats)


def _by_column(found: npt.NDArray[Any]) -> npt.NDArray[Any]:
    return found.transpose(1, 0, 2).reshape(found.shape[1], -1)


def _deltas(columns: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each row's words minus the word before (the first minus zero), as codec.delta does."""
    out = columns.copy()
    out[:, 1:] -= columns[:, :-1]
    return out


@IEEE
def aggregate(
    fn: Function, owner: Times, partials: Partials, start_ms: int, step_ms: int
) -> BucketColumns:
    """``fn`` per step-wide bucket from the hourly partials of many series (grouped by
    series, hours in order; those before start_ms only complete the first bucket of a rate),
    as columns; series left with no bucket are left out."""
    if fn == "rate":
        return _rate(owner, partials, start_ms, step_ms)
    inside = partials.hour >= start_ms
    owner, p = owner[inside], partials.where(inside)
    if not p.hour.size:
        return NONE
    of, numbers, first, counts = occupied(owner, p.hour, start_ms, step_ms)
    if fn == "avg":
        found = np.add.reduceat(p.sum, first) / np.add.reduceat(p.count, first)
    elif fn == "min":
        found = np.minimum.reduceat(p.min, first)
    elif fn == "max":
        found = np.maximum.reduceat(p.max, first)
    else:
        found = p.last_value[first + counts - 1]
    return of, start_ms + numbers * step_ms, found


def _rate(owner: Times, p: Partials, start_ms: int, step_ms: int) -> BucketColumns:
    # A series' first hour adds only its own increase and time: the hour before is another's.
    same = np.concatenate(([False], owner[1:] == owner[:-1]))
    current, previous = p.first_value[1:], p.last_value[:-1]
    between = np.where(current >= previous, current - previous, current)
    increase = p.increase + np.where(same, np.concatenate(([0.0], between)), 0.0)
    since = np.where(same, np.concatenate((p.first_t[:1], p.last_t[:-1])), p.first_t)
    inside = p.hour >= start_ms
    owner, hours = owner[inside], p.hour[inside]
    increase, elapsed = increase[inside], (p.last_t - since)[inside]
    if not hours.size:
        return NONE
    of, numbers, first, _ = occupied(owner, hours, start_ms, step_ms)
    total = np.add.reduceat(increase, first)
    seconds = np.add.reduceat(elapsed, first)
    timed = seconds > 0
    rates = total[timed] * 1000.0 / seconds[timed]
    return of[timed], start_ms + numbers[timed] * step_ms, rates


def _empty() -> Partials:
    none, nothing = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return Partials(none, none, none, none, nothing, nothing, nothing, nothing, nothing, nothing)

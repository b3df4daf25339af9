"""Range-query functions over raw samples in numpy: one value per step-wide bucket.

The same semantics as the SQL over hourly rollups (storage/queries.py): a bucket covers
[start + k step, start + (k+1) step) and is labelled with its start; NaN samples are left
out; `rate` is per second over consecutive points, each point adding the increase since the
previous one (a decrease is a counter reset, so the new value is the increase) and the time
since it, and the point just before the range (read by the caller) completes the first bucket.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from storage.codec import Times, Values
from storage.model import Function, Points


def aggregate(fn: Function, times: Times, values: Values, start_ms: int, step_ms: int) -> Points:
    """``fn`` per bucket of the samples (ordered by time; those before start_ms only count as
    the previous point of a rate)."""
    keep = ~np.isnan(values)
    times, values = times[keep], values[keep]
    if fn == "rate":
        return _rate(times, values, start_ms, step_ms)
    inside = times >= start_ms
    times, values = times[inside], values[inside]
    if not times.size:
        return []
    buckets, first, counts = occupied(times, start_ms, step_ms)
    if fn == "avg":
        found = np.add.reduceat(values, first) / counts
    elif fn == "min":
        found = np.minimum.reduceat(values, first)
    elif fn == "max":
        found = np.maximum.reduceat(values, first)
    else:
        found = values[first + counts - 1]
    return labelled(buckets, found, start_ms, step_ms)


def _rate(times: Times, values: Values, start_ms: int, step_ms: int) -> Points:
    previous = values[:-1]
    increase = np.concatenate(
        ([0.0], np.where(values[1:] >= previous, values[1:] - previous, values[1:]))
    )
    elapsed = np.concatenate(([0], np.diff(times)))
    inside = times >= start_ms
    times, increase, elapsed = times[inside], increase[inside], elapsed[inside]
    if not times.size:
        return []
    buckets, first, _ = occupied(times, start_ms, step_ms)
    total = np.add.reduceat(increase, first)
    seconds = np.add.reduceat(elapsed, first)
    timed = seconds > 0
    return labelled(
        buckets[timed], total[timed] * 1000.0 / seconds[timed].astype(np.float64), start_ms, step_ms
    )


def occupied(
    times: Times, start_ms: int, step_ms: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Each occupied bucket's number, the index of its first sample, and its sample count."""
    numbers = (times - start_ms) // step_ms
    first = np.concatenate(([0], np.flatnonzero(numbers[1:] != numbers[:-1]) + 1))
    counts = np.diff(np.append(first, numbers.size))
    return numbers[first], first, counts


def labelled(
    buckets: npt.NDArray[np.int64], values: npt.NDArray[np.float64], start_ms: int, step_ms: int
) -> Points:
    return list(zip((start_ms + buckets * step_ms).tolist(), values.tolist(), strict=True))

"""Functions of a range vector: each series' samples in each step's window -> one value.

rate, increase, delta, irate and idelta are computed for every step at once from index
arithmetic (the window of each step is a slice of the series' samples); the others run one
reduction per window. Formulas are Prometheus 2.42's (promql/functions.go), where the
extrapolation of rate/increase/delta is spelt out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from promql.values import Floats, Mask, Matrix, Samples, Series, Times, Vector, without_name

Reduce = Callable[[Times, Floats, int], float]
"""(a window's times, its values, the step's index) -> the step's value."""


def bounds(series: Samples, matrix: Matrix) -> tuple[Times, Times]:
    """Per step, the slice [lo, hi) of the samples with end - range <= t <= end."""
    lo = np.searchsorted(series.t, matrix.ends - matrix.range_ms, side="left")
    hi = np.searchsorted(series.t, matrix.ends, side="right")
    return lo.astype(np.int64), hi.astype(np.int64)


def extrapolated(matrix: Matrix, counter: bool, per_second: bool) -> Vector:
    """rate (counter, per second), increase (counter) and delta (neither)."""
    out: Vector = []
    for series in matrix.series:
        lo, hi = bounds(series, matrix)
        ok = hi - lo >= 2
        if ok.any():
            values = _extrapolated(series, matrix, lo, hi, counter, per_second)
            out.append(Series(without_name(series.labels), values, ok))
    return out


def _extrapolated(
    series: Samples, matrix: Matrix, lo: Times, hi: Times, counter: bool, per_second: bool
) -> Floats:
    first = np.minimum(lo, len(series.t) - 1)
    last = np.maximum(hi - 1, 0)
    v0, v1 = series.values[first], series.values[last]
    result = v1 - v0
    if counter:
        result = result + _reset_sums(series.values, first, last)
    to_start = (series.t[first] - (matrix.ends - matrix.range_ms)) / 1000
    to_end = (matrix.ends - series.t[last]) / 1000
    sampled = (series.t[last] - series.t[first]) / 1000
    average = sampled / np.maximum(last - first, 1)
    with np.errstate(all="ignore"):
        if counter:
            # A counter cannot go below zero: extrapolate back no further than its zero point.
            to_zero = sampled * (v0 / result)
            to_start = np.where((result > 0) & (v0 >= 0) & (to_zero < to_start), to_zero, to_start)
        threshold = average * 1.1
        interval = (
            sampled
            + np.where(to_start < threshold, to_start, average / 2)
            + np.where(to_end < threshold, to_end, average / 2)
        )
        factor = interval / sampled
        if per_second:
            factor = factor / (matrix.range_ms / 1000)
        extrapolated: Floats = result * factor
    return extrapolated


def _reset_sums(values: Floats, first: Times, last: Times) -> Floats:
    """Per window, the sum of the values just before each counter reset inside it: what the
    counter lost when it went back towards zero."""
    dropped = np.zeros(len(values))
    dropped[1:] = np.where(values[1:] < values[:-1], values[:-1], 0.0)
    total = np.cumsum(dropped)
    sums: Floats = total[last] - total[first]
    return sums


def instant(matrix: Matrix, per_second: bool) -> Vector:
    """irate (per second, resets read as a restart from zero) and idelta: the last two samples."""
    out: Vector = []
    for series in matrix.series:
        lo, hi = bounds(series, matrix)
        last = np.maximum(hi - 1, 0)
        before = np.maximum(hi - 2, 0)
        dt = series.t[last] - series.t[before]
        ok: Mask = (hi - lo >= 2) & (dt != 0)
        if not ok.any():
            continue
        v1, v0 = series.values[last], series.values[before]
        with np.errstate(all="ignore"):
            values = np.where(v1 < v0, v1, v1 - v0) / (dt / 1000) if per_second else v1 - v0
        out.append(Series(without_name(series.labels), values, ok))
    return out


def reduce(matrix: Matrix, fn: Reduce, minimum: int = 1, named: bool = False) -> Vector:
    """``fn`` over each window of at least ``minimum`` samples; the metric name is dropped
    unless ``named`` (last_over_time keeps it, as in Prometheus)."""
    out: Vector = []
    for series in matrix.series:
        lo, hi = bounds(series, matrix)
        ok = hi - lo >= minimum
        if not ok.any():
            continue
        values = np.zeros(len(matrix.ends))
        for step in np.flatnonzero(ok).tolist():
            window = slice(int(lo[step]), int(hi[step]))
            values[step] = fn(series.t[window], series.values[window], step)
        out.append(Series(series.labels if named else without_name(series.labels), values, ok))
    return out


def present(matrix: Matrix) -> Mask:
    """The steps where some series has a sample in its window."""
    found = np.zeros(len(matrix.ends), dtype=np.bool_)
    for series in matrix.series:
        lo, hi = bounds(series, matrix)
        found |= hi > lo
    return found


def changes(_t: Times, values: Floats, _step: int) -> float:
    before, after = values[:-1], values[1:]
    return float(np.count_nonzero((after != before) & ~(np.isnan(after) & np.isnan(before))))


def resets(_t: Times, values: Floats, _step: int) -> float:
    return float(np.count_nonzero(values[1:] < values[:-1]))


def slope_and_intercept(t: Times, values: Floats, origin_ms: int) -> tuple[float, float]:
    """Least squares of value against seconds since ``origin_ms`` (a constant series has slope
    0, as in Prometheus, so float noise cannot make one up)."""
    if np.all(values == values[0]):
        return (0.0, float(values[0])) if np.isfinite(values[0]) else (np.nan, np.nan)
    x = (t - origin_ms) / 1000
    n = len(x)
    sum_x, sum_y = float(x.sum()), float(values.sum())
    cov = float((x * values).sum()) - sum_x * sum_y / n
    var = float((x * x).sum()) - sum_x * sum_x / n
    with np.errstate(all="ignore"):
        slope = cov / var if var else np.nan
    return slope, sum_y / n - slope * sum_x / n


def outside(phi: float) -> float | None:
    """A quantile's value for ``phi`` outside [0, 1] (-Inf, +Inf) or NaN; None within."""
    if phi < 0:
        return -np.inf
    if phi > 1:
        return np.inf
    return np.nan if np.isnan(phi) else None


def quantile(phi: float, values: Floats) -> float:
    """Prometheus's quantile: linear between the two nearest ranks; -Inf/+Inf outside [0, 1]."""
    if len(values) == 0:
        return np.nan
    beyond = outside(phi)
    if beyond is not None:
        return beyond
    ordered = np.sort(values)
    rank = phi * (len(ordered) - 1)
    lower = max(0, int(np.floor(rank)))
    upper = min(len(ordered) - 1, lower + 1)
    weight = rank - np.floor(rank)
    return float(ordered[lower] * (1 - weight) + ordered[upper] * weight)

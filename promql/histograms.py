"""histogram_quantile over classic histograms (le buckets), as Prometheus 2.42 computes it."""

from __future__ import annotations

import math

import numpy as np

from promql.values import NAME, Floats, Labels, Series, Vector, drop, get
from promql.windows import outside


def histogram_quantile(phi: Floats, vector: Vector) -> Vector:
    groups: dict[Labels, list[tuple[float, Series]]] = {}
    for series in vector:
        bound = _bound(get(series.labels, "le"))
        if bound is not None:
            key = drop(series.labels, ["le", NAME])
            groups.setdefault(key, []).append((bound, series))
    out = []
    for labels, buckets in groups.items():
        values = np.zeros(len(phi))
        present = np.zeros(len(phi), dtype=np.bool_)
        for step in range(len(phi)):
            found = [(b, float(s.values[step])) for b, s in buckets if s.present[step]]
            if found:
                values[step] = bucket_quantile(float(phi[step]), found)
                present[step] = True
        if present.any():
            out.append(Series(labels, values, present))
    return out


def _bound(text: str) -> float | None:
    try:
        return float(text.replace("+Inf", "inf"))
    except ValueError:
        return None


def bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    beyond = outside(q)
    if beyond is not None:
        return beyond
    buckets = sorted(buckets, key=lambda b: b[0])
    if not math.isinf(buckets[-1][0]):
        return math.nan
    buckets = _monotonic(_coalesced(buckets))
    if len(buckets) < 2:
        return math.nan
    observations = buckets[-1][1]
    if observations == 0:
        return math.nan
    rank = q * observations
    b = next((i for i in range(len(buckets) - 1) if buckets[i][1] >= rank), len(buckets) - 1)
    if b == len(buckets) - 1:
        return buckets[-2][0]
    if b == 0 and buckets[0][0] <= 0:
        return buckets[0][0]
    start, end, count = 0.0, buckets[b][0], buckets[b][1]
    if b > 0:
        start = buckets[b - 1][0]
        count -= buckets[b - 1][1]
        rank -= buckets[b - 1][1]
    return start + (end - start) * (rank / count)


def _coalesced(buckets: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for bound, count in buckets:
        if out and out[-1][0] == bound:
            out[-1] = (bound, out[-1][1] + count)
        else:
            out.append((bound, count))
    return out


def _monotonic(buckets: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out, most = [], -math.inf
    for bound, count in buckets:
        most = max(most, count)
        out.append((bound, most))
    return out

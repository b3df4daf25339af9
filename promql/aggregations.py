"""Aggregation operators (sum, avg, count, topk, ...) with by/without, step by step.

Each group's member series are stacked into one (members x steps) array and a mask; a
step's result exists where at least one member has a sample.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from model.errors import PromQLError
from promql import windows
from promql.format import go_float
from promql.values import (
    NAME,
    Floats,
    Labels,
    Mask,
    Series,
    Vector,
    drop,
    keep,
    labels_of,
    with_label,
)

Grouping = Callable[[Labels], Labels]
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
Simple = Callable[[Floats, Mask], Floats]


def grouping(by: Sequence[str] | None, without: Sequence[str] | None) -> Grouping:
    """The labels of a series' group: only ``by``'s, or all but ``without``'s and the name."""
    if without is not None:
        dropped = [*without, NAME]
        return lambda labels: drop(labels, dropped)
    kept = list(by or ())
    return lambda labels: keep(labels, kept)


def groups(vector: Vector, key: Grouping) -> dict[Labels, list[Series]]:
    found: dict[Labels, list[Series]] = {}
    for series in vector:
        found.setdefault(key(series.labels), []).append(series)
    return found


def simple(op: str, vector: Vector, key: Grouping) -> Vector:
    fn = SIMPLE.get(op)
    if fn is None:
        raise PromQLError(f"unknown aggregation {op!r}")
    out: Vector = []
    for labels, members in groups(vector, key).items():
        values = np.stack([m.values for m in members])
        mask = np.stack([m.present for m in members])
        present: Mask = np.asarray(mask.any(axis=0))
        with np.errstate(all="ignore"):
            out.append(Series(labels, fn(values, mask), present))
    return out


def _sum(values: Floats, mask: Mask) -> Floats:
    total: Floats = np.where(mask, values, 0.0).sum(axis=0)
    return total


def _count(_values: Floats, mask: Mask) -> Floats:
    counted: Floats = mask.sum(axis=0).astype(np.float64)
    return counted


def _avg(values: Floats, mask: Mask) -> Floats:
    return _sum(values, mask) / np.maximum(_count(values, mask), 1)


def _min(values: Floats, mask: Mask) -> Floats:
    # fmin skips NaN: a group is NaN only if every member is, as in Prometheus.
    least: Floats = np.fmin.reduce(np.where(mask, values, np.nan), axis=0)
    return least


def _max(values: Floats, mask: Mask) -> Floats:
    most: Floats = np.fmax.reduce(np.where(mask, values, np.nan), axis=0)
    return most


def _stdvar(values: Floats, mask: Mask) -> Floats:
    mean = _avg(values, mask)
    spread: Floats = np.where(mask, (values - mean) ** 2, 0.0).sum(axis=0)
    return spread / np.maximum(_count(values, mask), 1)


def _stddev(values: Floats, mask: Mask) -> Floats:
    deviation: Floats = np.sqrt(_stdvar(values, mask))
    return deviation


def _group(_values: Floats, mask: Mask) -> Floats:
    return np.ones(mask.shape[1])


SIMPLE: dict[str, Simple] = {
    "sum": _sum,
    "avg": _avg,
    "count": _count,
    "min": _min,
    "max": _max,
    "stddev": _stddev,
    "stdvar": _stdvar,
    "group": _group,
}


def top(vector: Vector, key: Grouping, k: Floats, largest: bool) -> Vector:
    """topk/bottomk: per step the k largest (smallest) of each group, NaN last; the series
    keep all their labels."""
    chosen = {id(series): np.zeros(len(k), dtype=np.bool_) for series in vector}
    for members in groups(vector, key).values():
        values = np.stack([m.values for m in members])
        mask = np.stack([m.present for m in members])
        for step in np.flatnonzero(mask.any(axis=0)).tolist():
            wanted = _count_of(k[step])
            order = np.flatnonzero(mask[:, step]).tolist()
            order.sort(key=lambda i: _rank(values[i, step], largest))
            for i in order[:wanted]:
                chosen[id(members[i])][step] = True
    return [Series(s.labels, s.values, chosen[id(s)]) for s in vector if chosen[id(s)].any()]


def _count_of(k: float) -> int:
    if np.isnan(k):
        raise PromQLError("Parameter value is NaN", "execution")
    return max(0, int(k)) if abs(k) < 2**62 else (2**62 if k > 0 else 0)


def _rank(value: float, largest: bool) -> tuple[bool, float]:
    if np.isnan(value):
        return True, 0.0
    return False, -value if largest else value


def quantile(vector: Vector, key: Grouping, phi: Floats) -> Vector:
    out: Vector = []
    for labels, members in groups(vector, key).items():
        values = np.stack([m.values for m in members])
        mask = np.stack([m.present for m in members])
        present: Mask = np.asarray(mask.any(axis=0))
        result = np.zeros(len(phi))
        for step in np.flatnonzero(present).tolist():
            result[step] = windows.quantile(float(phi[step]), values[mask[:, step], step])
        out.append(Series(labels, result, present))
    return out


def count_values(vector: Vector, key: Grouping, label: str) -> Vector:
    """Per step, how many series of each group have each value: one series per value, the
    value (as Prometheus prints it) in ``label``."""
    if not LABEL_NAME.fullmatch(label):
        raise PromQLError(f"invalid label name {label!r}")
    counts: dict[Labels, Floats] = {}
    for series in vector:
        group = key(series.labels)
        for step in np.flatnonzero(series.present).tolist():
            labels = with_label(group, label, go_float(float(series.values[step])))
            counts.setdefault(labels, np.zeros(len(series.values)))[step] += 1
    return [Series(labels_of(labels), values, values > 0) for labels, values in counts.items()]

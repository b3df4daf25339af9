"""Query results in the JSON shape of Prometheus's HTTP API (``data`` of a success)."""

from __future__ import annotations

from typing import Any

import numpy as np

from promql.engine import Result
from promql.format import go_float
from promql.values import Labels, Matrix, Scalar, Series, String, Times, Vector


def data(result: Result) -> dict[str, Any]:
    value = result.value
    times = result.grid.times
    if isinstance(value, String):
        return {"resultType": "string", "result": [_seconds(result.grid.start_ms), value.value]}
    if isinstance(value, Scalar):
        if result.instant:
            point = [_seconds(result.grid.start_ms), go_float(float(value.values[0]))]
            return {"resultType": "scalar", "result": point}
        every = np.ones(len(times), dtype=np.bool_)
        return {"resultType": "matrix", "result": [_series(Series((), value.values, every), times)]}
    if isinstance(value, Matrix):
        rows = [
            {"metric": _metric(s.labels), "values": _points(s.t, s.values)} for s in value.series
        ]
        return {"resultType": "matrix", "result": rows}
    return _vector(value, result) if result.instant else _matrix(value, times)


def _vector(vector: Vector, result: Result) -> dict[str, Any]:
    at = _seconds(result.grid.start_ms)
    rows = [
        {"metric": _metric(s.labels), "value": [at, go_float(float(s.values[0]))]}
        for s in vector
        if s.present[0]
    ]
    return {"resultType": "vector", "result": rows}


def _matrix(vector: Vector, times: Times) -> dict[str, Any]:
    ordered = sorted(vector, key=lambda s: s.labels)
    return {"resultType": "matrix", "result": [_series(s, times) for s in ordered]}


def _series(series: Series, times: Times) -> dict[str, Any]:
    mask = series.present
    return {"metric": _metric(series.labels), "values": _points(times[mask], series.values[mask])}


def _points(times: Times, values: np.ndarray[Any, Any]) -> list[list[Any]]:
    # Each distinct value printed once: most series hold a few values (a gauge of 1, a count
    # of CPUs) repeated at every step, and printing is most of the time a result takes.
    # Compared as bits, so -0 and 0 keep their own spellings.
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
    distinct, which = np.unique(bits, return_inverse=True)
    texts = [go_float(v) for v in distinct.view(np.float64).tolist()]
    whole = not (times % 1000).any()
    seconds = (times // 1000).tolist() if whole else [_seconds(t) for t in times.tolist()]
    return [[t, texts[i]] for t, i in zip(seconds, which.tolist(), strict=True)]


def _metric(labels: Labels) -> dict[str, str]:
    return dict(labels)


def _seconds(ms: int) -> float | int:
    """Whole seconds as an integer, as Prometheus writes them (1700000000, 1700000000.5)."""
    return ms // 1000 if ms % 1000 == 0 else ms / 1000

"""PromQL's functions: each takes the call's argument expressions and the evaluator, so it
evaluates only what it needs (a selector's own timestamps for timestamp(), the matchers of
absent()'s argument)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import promql_parser as ast

from model.errors import PromQLError
from promql import histograms, labels, windows
from promql.values import (
    Floats,
    Grid,
    Matrix,
    Scalar,
    Series,
    Times,
    Value,
    Vector,
    labels_of,
    without_name,
)


class Evaluator(Protocol):
    grid: Grid

    def eval(self, node: ast.Expr) -> Value: ...

    def vector(self, node: ast.Expr) -> Vector: ...

    def matrix(self, node: ast.Expr) -> Matrix: ...

    def scalar(self, node: ast.Expr) -> Scalar: ...

    def string(self, node: ast.Expr) -> str: ...

    def stamps(self, node: ast.VectorSelector) -> Vector: ...


Handler = Callable[[Evaluator, list[ast.Expr]], Value]
Elementwise = Callable[[Floats], Floats]


def call(ev: Evaluator, node: ast.Call) -> Value:
    name = node.func.name
    handler = HANDLERS.get(name)
    if handler is None:
        raise PromQLError(f"function {name!r} is not supported by hostwatch's engine")
    return handler(ev, list(node.args))


def _elementwise(fn: Elementwise) -> Handler:
    def handler(ev: Evaluator, args: list[ast.Expr]) -> Value:
        with np.errstate(all="ignore"):
            return [
                Series(without_name(s.labels), fn(s.values), s.present) for s in ev.vector(args[0])
            ]

    return handler


def _clamp(ev: Evaluator, args: list[ast.Expr]) -> Value:
    vector = ev.vector(args[0])
    low, high = ev.scalar(args[1]).values, ev.scalar(args[2]).values
    # Prometheus returns nothing at a step where min > max.
    return _clamped(vector, low, high, low <= high)


def _clamp_min(ev: Evaluator, args: list[ast.Expr]) -> Value:
    vector = ev.vector(args[0])
    low = ev.scalar(args[1]).values
    return _clamped(vector, low, np.full(len(low), np.inf), np.ones(len(low), dtype=np.bool_))


def _clamp_max(ev: Evaluator, args: list[ast.Expr]) -> Value:
    vector = ev.vector(args[0])
    high = ev.scalar(args[1]).values
    return _clamped(vector, np.full(len(high), -np.inf), high, np.ones(len(high), dtype=np.bool_))


def _clamped(vector: Vector, low: Floats, high: Floats, valid: Any) -> Vector:
    # Go's math.Max/Min: NaN in, NaN out.
    out = []
    for s in vector:
        values = np.where(np.isnan(s.values), np.nan, np.minimum(np.maximum(s.values, low), high))
        out.append(Series(without_name(s.labels), values, s.present & valid))
    return out


def _round(ev: Evaluator, args: list[ast.Expr]) -> Value:
    vector = ev.vector(args[0])
    to = ev.scalar(args[1]).values if len(args) > 1 else np.ones(ev.grid.size)
    out = []
    with np.errstate(all="ignore"):
        inverse = 1.0 / to
        for s in vector:
            # Go rounds half up here: math.Floor(v*inverse + 0.5) / inverse.
            values = np.floor(s.values * inverse + 0.5) / inverse
            out.append(Series(without_name(s.labels), values, s.present))
    return out


def _scalar(ev: Evaluator, args: list[ast.Expr]) -> Value:
    vector = ev.vector(args[0])
    if not vector:
        return Scalar(np.full(ev.grid.size, np.nan))
    present = np.stack([s.present for s in vector])
    values = np.stack([s.values for s in vector])
    single = present.sum(axis=0) == 1
    chosen = np.where(present, values, 0.0).sum(axis=0)
    return Scalar(np.where(single, chosen, np.nan))


def _vector(ev: Evaluator, args: list[ast.Expr]) -> Value:
    values = ev.scalar(args[0]).values
    return [Series((), values, np.ones(len(values), dtype=np.bool_))]


def _time(ev: Evaluator, _args: list[ast.Expr]) -> Value:
    return Scalar(ev.grid.times / 1000)


def _timestamp(ev: Evaluator, args: list[ast.Expr]) -> Value:
    node = _unwrapped(args[0])
    if isinstance(node, ast.VectorSelector):
        vector = ev.stamps(node)
    else:
        times = ev.grid.times / 1000
        vector = [Series(s.labels, times, s.present) for s in ev.vector(node)]
    return [Series(without_name(s.labels), s.values, s.present) for s in vector]


def _unwrapped(node: ast.Expr) -> ast.Expr:
    while isinstance(node, ast.ParenExpr):
        node = node.expr
    return node


def _absent(ev: Evaluator, args: list[ast.Expr]) -> Value:
    vector = ev.vector(args[0])
    found = np.zeros(ev.grid.size, dtype=np.bool_)
    for s in vector:
        found |= s.present
    return _absence(args[0], ~found, ev.grid.size)


def _absent_over_time(ev: Evaluator, args: list[ast.Expr]) -> Value:
    return _absence(args[0], ~windows.present(ev.matrix(args[0])), ev.grid.size)


def _absence(node: ast.Expr, missing: Any, size: int) -> Vector:
    if not missing.any():
        return []
    return [Series(_absent_labels(node), np.ones(size), missing)]


def _absent_labels(node: ast.Expr) -> tuple[tuple[str, str], ...]:
    """The equality matchers of a selector argument (but the name) make absent()'s labels."""
    node = _unwrapped(node)
    if isinstance(node, ast.MatrixSelector):
        node = node.vector_selector
    if not isinstance(node, ast.VectorSelector):
        return ()
    pairs: dict[str, str] = {}
    repeated: set[str] = set()
    for m in node.matchers.matchers:
        if m.op == ast.MatchOp.Equal and m.name != "__name__":
            if m.name in pairs:
                repeated.add(m.name)
            pairs[m.name] = m.value
    return labels_of((k, v) for k, v in pairs.items() if k not in repeated)


def _sort(descending: bool) -> Handler:
    def handler(ev: Evaluator, args: list[ast.Expr]) -> Value:
        vector = ev.vector(args[0])

        # Only an instant query's order shows: sort by the first step's value, NaN last.
        def key(s: Series) -> tuple[bool, float]:
            value = float(s.values[0]) if s.present[0] else np.nan
            return np.isnan(value), -value if descending else value

        return sorted(vector, key=key)

    return handler


def _date(part: Callable[[Any], Any]) -> Handler:
    def handler(ev: Evaluator, args: list[ast.Expr]) -> Value:
        if not args:
            times = ev.grid.times / 1000
            return [Series((), part(times).astype(np.float64), np.ones(len(times), np.bool_))]
        out = []
        for s in ev.vector(args[0]):
            values = np.where(np.isfinite(s.values), s.values, 0)
            result = part(values).astype(np.float64)
            out.append(Series(without_name(s.labels), result, s.present & np.isfinite(s.values)))
        return out

    return handler


def _calendar(seconds: Any) -> Any:
    return np.floor(seconds).astype("int64").astype("datetime64[s]")


def _field(unit: str, offset: int = 0) -> Callable[[Any], Any]:
    bigger = {"m": "h", "h": "D", "M": "Y"}

    def part(seconds: Any) -> Any:
        moment = _calendar(seconds)
        if unit == "Y":
            return moment.astype("datetime64[Y]").astype(np.int64) + 1970
        if unit == "D":  # day of month
            return (moment.astype("datetime64[D]") - moment.astype("datetime64[M]")).astype(
                np.int64
            ) + 1
        whole = moment.astype(f"datetime64[{unit}]")
        return (whole - whole.astype(f"datetime64[{bigger[unit]}]")).astype(np.int64) + offset

    return part


def _day_of_week(seconds: Any) -> Any:
    days = _calendar(seconds).astype("datetime64[D]").astype(np.int64)
    return (days + 4) % 7  # 1970-01-01 was a Thursday


def _days_in_month(seconds: Any) -> Any:
    month = _calendar(seconds).astype("datetime64[M]")
    return ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)


def _label_replace(ev: Evaluator, args: list[ast.Expr]) -> Value:
    vector = ev.vector(args[0])
    dst, replacement, src, regex = (ev.string(a) for a in args[1:5])
    return labels.replace(vector, dst, replacement, src, regex)


def _label_join(ev: Evaluator, args: list[ast.Expr]) -> Value:
    vector = ev.vector(args[0])
    dst, separator = ev.string(args[1]), ev.string(args[2])
    return labels.join(vector, dst, separator, [ev.string(a) for a in args[3:]])


def _histogram_quantile(ev: Evaluator, args: list[ast.Expr]) -> Value:
    phi = ev.scalar(args[0]).values
    return histograms.histogram_quantile(phi, ev.vector(args[1]))


def _over_time(fn: Callable[[Floats], float], named: bool = False) -> Handler:
    def handler(ev: Evaluator, args: list[ast.Expr]) -> Value:
        matrix = ev.matrix(args[0])
        return windows.reduce(matrix, lambda _t, values, _step: fn(values), named=named)

    return handler


def _quantile_over_time(ev: Evaluator, args: list[ast.Expr]) -> Value:
    phi = ev.scalar(args[0]).values
    return windows.reduce(
        ev.matrix(args[1]), lambda _t, values, step: windows.quantile(float(phi[step]), values)
    )


def _deriv(ev: Evaluator, args: list[ast.Expr]) -> Value:
    def slope(t: Times, values: Floats, _step: int) -> float:
        return windows.slope_and_intercept(t, values, int(t[0]))[0]

    return windows.reduce(ev.matrix(args[0]), slope, minimum=2)


def _predict_linear(ev: Evaluator, args: list[ast.Expr]) -> Value:
    matrix = ev.matrix(args[0])
    ahead = ev.scalar(args[1]).values
    # Prometheus regresses against the evaluation time, before any offset.
    origins = ev.grid.times

    def predict(t: Times, values: Floats, step: int) -> float:
        slope, intercept = windows.slope_and_intercept(t, values, int(origins[step]))
        return slope * float(ahead[step]) + intercept

    return windows.reduce(matrix, predict, minimum=2)


def _last(values: Floats) -> float:
    return float(values[-1])


def _std(values: Floats) -> float:
    return float(np.std(values))


def _var(values: Floats) -> float:
    return float(np.var(values))


def _fmin(values: Floats) -> float:
    return float(np.fmin.reduce(values))


def _fmax(values: Floats) -> float:
    return float(np.fmax.reduce(values))


def _mean(values: Floats) -> float:
    return float(np.mean(values))


def _total(values: Floats) -> float:
    return float(np.sum(values))


def _count(values: Floats) -> float:
    return float(len(values))


def _one(_values: Floats) -> float:
    return 1.0


def _range(fn: Callable[[Matrix], Vector]) -> Handler:
    def handler(ev: Evaluator, args: list[ast.Expr]) -> Value:
        return fn(ev.matrix(args[0]))

    return handler


def _windowed(fn: windows.Reduce, minimum: int = 1) -> Handler:
    def handler(ev: Evaluator, args: list[ast.Expr]) -> Value:
        return windows.reduce(ev.matrix(args[0]), fn, minimum)

    return handler


def _sgn(values: Floats) -> Floats:
    signs: Floats = np.sign(values)
    return signs


HANDLERS: dict[str, Handler] = {
    "rate": _range(lambda m: windows.extrapolated(m, counter=True, per_second=True)),
    "increase": _range(lambda m: windows.extrapolated(m, counter=True, per_second=False)),
    "delta": _range(lambda m: windows.extrapolated(m, counter=False, per_second=False)),
    "irate": _range(lambda m: windows.instant(m, per_second=True)),
    "idelta": _range(lambda m: windows.instant(m, per_second=False)),
    "avg_over_time": _over_time(_mean),
    "sum_over_time": _over_time(_total),
    "min_over_time": _over_time(_fmin),
    "max_over_time": _over_time(_fmax),
    "count_over_time": _over_time(_count),
    "last_over_time": _over_time(_last, named=True),
    "present_over_time": _over_time(_one),
    "stddev_over_time": _over_time(_std),
    "stdvar_over_time": _over_time(_var),
    "quantile_over_time": _quantile_over_time,
    "changes": _windowed(windows.changes),
    "resets": _windowed(windows.resets),
    "deriv": _deriv,
    "predict_linear": _predict_linear,
    "absent": _absent,
    "absent_over_time": _absent_over_time,
    "abs": _elementwise(np.abs),
    "ceil": _elementwise(np.ceil),
    "floor": _elementwise(np.floor),
    "exp": _elementwise(np.exp),
    "sqrt": _elementwise(np.sqrt),
    "ln": _elementwise(np.log),
    "log2": _elementwise(np.log2),
    "log10": _elementwise(np.log10),
    "sgn": _elementwise(_sgn),
    "round": _round,
    "clamp": _clamp,
    "clamp_min": _clamp_min,
    "clamp_max": _clamp_max,
    "scalar": _scalar,
    "vector": _vector,
    "time": _time,
    "timestamp": _timestamp,
    "sort": _sort(descending=False),
    "sort_desc": _sort(descending=True),
    "label_replace": _label_replace,
    "label_join": _label_join,
    "histogram_quantile": _histogram_quantile,
    "minute": _date(_field("m")),
    "hour": _date(_field("h")),
    "day_of_month": _date(_field("D")),
    "day_of_week": _date(_day_of_week),
    "days_in_month": _date(_days_in_month),
    "month": _date(_field("M", offset=1)),
    "year": _date(_field("Y")),
}

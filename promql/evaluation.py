"""One query's evaluation: walks the AST, reading each selector's samples once."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import promql_parser as ast

from model.errors import PromQLError
from model.staleness import stale
from promql import aggregations, binops, functions, selectors
from promql.limits import EngineLimits
from promql.parsing import ms
from promql.values import (
    NAME,
    Grid,
    Matrix,
    Samples,
    Scalar,
    Series,
    String,
    Times,
    Value,
    Vector,
    labels_of,
    without_name,
)
from storage import SelectLimits, Storage

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class Budget:
    """What is left of the query's sample limit and time."""

    samples: int
    deadline: float

    def spend(self, samples: int) -> None:
        self.samples -= samples
        if self.samples < 0:
            raise PromQLError(
                "query processing would load too many samples into memory in query execution",
                "execution",
            )

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise PromQLError("query timed out in expression evaluation", "timeout")


class Evaluation:
    """Evaluates nodes over ``grid``; ``query`` is the whole query's grid (for @ start() and
    end(), which a subquery's inner evaluation keeps)."""

    def __init__(
        self, storage: Storage, limits: EngineLimits, grid: Grid, query: Grid, budget: Budget
    ) -> None:
        self.storage = storage
        self.limits = limits
        self.grid = grid
        self.query = query
        self.budget = budget

    def eval(self, node: ast.Expr) -> Value:
        self.budget.check()
        if isinstance(node, ast.NumberLiteral):
            return Scalar(np.full(self.grid.size, node.val))
        if isinstance(node, ast.StringLiteral):
            return String(node.val)
        if isinstance(node, ast.ParenExpr):
            return self.eval(node.expr)
        if isinstance(node, ast.UnaryExpr):
            return _negated(self.eval(node.expr))
        if isinstance(node, ast.VectorSelector):
            return self.select(node)
        if isinstance(node, ast.MatrixSelector):
            return self.range_select(node)
        if isinstance(node, ast.SubqueryExpr):
            return self.subquery(node)
        if isinstance(node, ast.Call):
            return functions.call(self, node)
        if isinstance(node, ast.AggregateExpr):
            return self.aggregate(node)
        if isinstance(node, ast.BinaryExpr):
            return self.binary(node)
        raise PromQLError(f"unsupported expression {node}")

    def vector(self, node: ast.Expr) -> Vector:
        value = self.eval(node)
        if not isinstance(value, list):
            raise PromQLError(f"expected an instant vector, got {_kind(value)}: {node}")
        return value

    def matrix(self, node: ast.Expr) -> Matrix:
        value = self.eval(node)
        if not isinstance(value, Matrix):
            raise PromQLError(f"expected a range vector, got {_kind(value)}: {node}")
        return value

    def scalar(self, node: ast.Expr) -> Scalar:
        value = self.eval(node)
        if not isinstance(value, Scalar):
            raise PromQLError(f"expected a scalar, got {_kind(value)}: {node}")
        return value

    def string(self, node: ast.Expr) -> str:
        value = self.eval(node)
        if not isinstance(value, String):
            raise PromQLError(f"expected a string, got {_kind(value)}: {node}")
        return value.value

    def select(self, node: ast.VectorSelector) -> Vector:
        return self._instant(node, stamps=False)

    def stamps(self, node: ast.VectorSelector) -> Vector:
        """The selector's series with, as values, the timestamps (s) of the samples chosen."""
        return self._instant(node, stamps=True)

    def _instant(self, node: ast.VectorSelector, stamps: bool) -> Vector:
        refs = self._refs(node.offset, node.at)
        lookback = self.limits.lookback_ms
        out: Vector = []
        for found in self._read(node, int(refs.min()) - lookback, int(refs.max())):
            # The newest sample at or before each reference time, if within the lookback.
            index = np.searchsorted(found.t, refs, side="right") - 1
            clipped = np.maximum(index, 0)
            # A stale marker as the newest sample: the series has no value there.
            chosen = found.values[clipped]
            present = (index >= 0) & (found.t[clipped] >= refs - lookback) & ~stale(chosen)
            if present.any():
                values = found.t[clipped] / 1000 if stamps else chosen
                out.append(Series(found.labels, values, present))
        return out

    def range_select(self, node: ast.MatrixSelector) -> Matrix:
        selector = node.vector_selector
        span = ms(node.range)
        refs = self._refs(selector.offset, selector.at)
        found = self._read(selector, int(refs.min()) - span, int(refs.max()))
        fresh = (_fresh(s) for s in found)
        return Matrix([s for s in fresh if s.t.size], refs, span)

    def subquery(self, node: ast.SubqueryExpr) -> Matrix:
        span = ms(node.range)
        step = ms(node.step) or self.limits.subquery_step_ms
        refs = self._refs(node.offset, node.at)
        # The inner steps are multiples of the step: the first one at or after the start.
        start = int(refs.min()) - span
        aligned = -(-start // step) * step
        inner = Grid(aligned, int(refs.max()), step)
        self.budget.spend(inner.size)
        vector = Evaluation(self.storage, self.limits, inner, self.query, self.budget).vector(
            node.expr
        )
        times = inner.times
        series = [Samples(s.labels, times[s.present], s.values[s.present]) for s in vector]
        self.budget.spend(sum(len(s.t) for s in series))
        return Matrix(series, refs, span)

    def aggregate(self, node: ast.AggregateExpr) -> Vector:
        op = str(node.op)
        modifier = node.modifier
        names = list(modifier.labels) if modifier is not None else []
        without = modifier is not None and modifier.type == ast.AggModifierType.Without
        key = aggregations.grouping(None if without else names, names if without else None)
        param = node.param
        if op in ("topk", "bottomk") and param is not None:
            k = self.scalar(param).values
            return aggregations.top(self.vector(node.expr), key, k, largest=op == "topk")
        if op == "quantile" and param is not None:
            phi = self.scalar(param).values
            return aggregations.quantile(self.vector(node.expr), key, phi)
        if op == "count_values" and param is not None:
            label = self.string(param)
            return aggregations.count_values(self.vector(node.expr), key, label)
        return aggregations.simple(op, self.vector(node.expr), key)

    def binary(self, node: ast.BinaryExpr) -> Value:
        op = str(node.op)
        how = binops.matching(node.modifier)
        left, right = self.eval(node.lhs), self.eval(node.rhs)
        if isinstance(left, Scalar) and isinstance(right, Scalar):
            return binops.scalars(op, left, right)
        if isinstance(left, list) and isinstance(right, Scalar):
            return binops.with_scalar(op, left, right, True, how.bool_)
        if isinstance(left, Scalar) and isinstance(right, list):
            return binops.with_scalar(op, right, left, False, how.bool_)
        if isinstance(left, list) and isinstance(right, list):
            return binops.vectors(op, left, right, how)
        raise PromQLError(f"binary {op!r} between {_kind(left)} and {_kind(right)}")

    def _refs(self, offset: timedelta | None, at: ast.AtModifier | None) -> Times:
        """Per step, the time a selector looks from: the step's (or the @) time less offset."""
        if at is None:
            base = self.grid.times
        else:
            base = np.full(self.grid.size, self._at_ms(at), dtype=np.int64)
        shifted: Times = base - ms(offset)
        return shifted

    def _at_ms(self, at: ast.AtModifier) -> int:
        if at.type == ast.AtModifierType.Start:
            return self.query.start_ms
        if at.type == ast.AtModifierType.End:
            return self.query.end_ms
        moment = _moment(at)
        assert moment is not None  # the parser gives a time with every "@ <time>"
        return round((moment - EPOCH) / timedelta(milliseconds=1))

    def _read(self, node: ast.VectorSelector, start_ms: int, end_ms: int) -> list[Samples]:
        limits = SelectLimits(self.limits.max_series, max(self.budget.samples, 0))
        found = self.storage.select(None, selectors.matchers(node), start_ms, end_ms, limits)
        self.budget.spend(sum(len(s.t) for s in found))
        return [
            Samples(labels_of([(NAME, s.series.name), *s.series.labels]), s.t, s.values)
            for s in found
        ]


def _fresh(series: Samples) -> Samples:
    """A range's samples without its stale markers: they end a series, they are no values."""
    marked = stale(series.values)
    if not marked.any():
        return series
    return Samples(series.labels, series.t[~marked], series.values[~marked])


def _moment(at: ast.AtModifier) -> datetime | None:
    """The parser's @ time; one outside what a datetime holds is the query's fault."""
    try:
        return at.at
    except (ValueError, OverflowError) as error:
        raise PromQLError(f"the @ time is out of range: {error}") from None
    except BaseException as error:
        # The parser's Rust side panics (pyo3's PanicException, a BaseException) on a time
        # before 1970; anything else is not ours to catch.
        if type(error).__name__ != "PanicException":
            raise
        raise PromQLError("the @ time is out of range: before 1970") from None


def _negated(value: Value) -> Value:
    if isinstance(value, Scalar):
        return Scalar(-value.values)
    if isinstance(value, list):
        return [Series(without_name(s.labels), -s.values, s.present) for s in value]
    raise PromQLError(f"unary minus is not defined on {_kind(value)}")


def _kind(value: Value) -> str:
    if isinstance(value, list):
        return "instant vector"
    if isinstance(value, Matrix):
        return "range vector"
    return "scalar" if isinstance(value, Scalar) else "string"

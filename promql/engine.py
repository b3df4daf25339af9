"""The PromQL engine: instant and range queries over hostwatch's storage."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import promql_parser as ast

from model.errors import PromQLError
from promql.binops import CLASH, merged
from promql.evaluation import Budget, Evaluation
from promql.limits import EngineLimits
from promql.parsing import parse
from promql.values import Grid, Matrix, Samples, String, Value
from storage import Storage


@dataclass(frozen=True, slots=True)
class Result:
    """``value`` over ``grid``; ``instant`` tells an instant query (one step) from a range one."""

    value: Value
    grid: Grid
    instant: bool


class Engine:
    """Safe to share between threads: each query has its own evaluation state."""

    def __init__(self, storage: Storage, limits: EngineLimits | None = None) -> None:
        self.storage = storage
        self.limits = limits or EngineLimits()

    def instant(self, query: str | ast.Expr, time_ms: int) -> Result:
        """``query`` as text, or as the tree ``parse`` made of it (a rule parsed once)."""
        grid = Grid(time_ms, time_ms, 1)
        return Result(self._run(query, grid, instant=True), grid, instant=True)

    def range(self, query: str, start_ms: int, end_ms: int, step_ms: int) -> Result:
        if end_ms < start_ms:
            raise PromQLError("end timestamp must not be before start time")
        if step_ms <= 0:
            raise PromQLError(
                "zero or negative query resolution step widths are not accepted. "
                "Try a positive integer"
            )
        grid = Grid(start_ms, end_ms, step_ms)
        if grid.size > self.limits.max_points:
            raise PromQLError(
                f"exceeded maximum resolution of {self.limits.max_points:,} points per "
                "timeseries. Try decreasing the query resolution (?step=XX)"
            )
        return Result(self._run(query, grid, instant=False), grid, instant=False)

    def _run(self, query: str | ast.Expr, grid: Grid, instant: bool) -> Value:
        expr = parse(query) if isinstance(query, str) else query
        budget = Budget(self.limits.max_samples, time.monotonic() + self.limits.timeout_s)
        value = Evaluation(self.storage, self.limits, grid, grid, budget).eval(expr)
        if isinstance(value, list):
            return merged(value, CLASH)
        if isinstance(value, Matrix):
            if not instant:
                raise PromQLError(
                    'invalid expression type "range vector" for range query, '
                    "must be Scalar or instant Vector"
                )
            return _windows(value)
        if isinstance(value, String) and not instant:
            raise PromQLError(
                'invalid expression type "string" for range query, must be Scalar or instant Vector'
            )
        return value


def _windows(matrix: Matrix) -> Matrix:
    """An instant query's range vector: each series' samples in its one window."""
    end = int(matrix.ends[0])
    start = end - matrix.range_ms
    out = []
    for s in matrix.series:
        inside = (s.t >= start) & (s.t <= end)
        if inside.any():
            out.append(Samples(s.labels, s.t[inside], s.values[inside]))
    return Matrix(out, np.array([end], dtype=np.int64), matrix.range_ms)

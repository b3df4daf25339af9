"""GET /api/v1/query_range: one aggregated value per step for each matching series."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from storage import Function, RangeQuery, RangeResult
from web.http import params, responses, state
from web.http.errors import BadParameter
from web.views.units import rfc3339

HOUR_MS = 3_600_000
MAX_POINTS = 11_000
AUTO_POINTS = 250
FUNCTIONS: tuple[Function, ...] = ("avg", "min", "max", "last", "rate")


def query_range(request: Request) -> Response:
    query = parse(request.query_params, state.now_ms(request))
    result = state.storage(request).query_range(query)
    return responses.api(request, shape(query, result))


def parse(query: QueryParams, now_ms: int) -> RangeQuery:
    """The RangeQuery the parameters ask for; start defaults to an hour before end (now)."""
    end = params.timestamp_ms("end", query["end"]) if query.get("end") else now_ms
    start = params.timestamp_ms("start", query["start"]) if query.get("start") else end - HOUR_MS
    if end < start:
        raise BadParameter("end", f"{rfc3339(end)} is before start {rfc3339(start)}")
    step = params.duration_ms("step", query["step"]) if query.get("step") else auto_step(start, end)
    points = (end - start) // step + 1
    if points > MAX_POINTS:
        raise BadParameter("step", f"{step / 1000:g}s makes {points} points; at most {MAX_POINTS}")
    return RangeQuery(
        params.metric_name("metric", params.required(query, "metric")),
        params.matchers("match[]", query.getlist("match[]")),
        start,
        end,
        step,
        params.choice("fn", query.get("fn", "avg"), FUNCTIONS),
        max_points=MAX_POINTS,
    )


def auto_step(start_ms: int, end_ms: int) -> int:
    """About AUTO_POINTS buckets, in whole seconds."""
    return max(1, -(-(end_ms - start_ms) // (AUTO_POINTS * 1000))) * 1000


def shape(query: RangeQuery, result: RangeResult) -> dict[str, Any]:
    return {
        "metric": query.metric,
        "fn": query.fn,
        "start": rfc3339(query.start_ms),
        "end": rfc3339(query.end_ms),
        "step_s": result.step_ms / 1000,
        "source": result.source,
        "series": [
            {
                "labels": dict(series.labels),
                "points": [[t / 1000, responses.finite(v)] for t, v in points],
            }
            for series, points in result.series
        ],
    }

"""Prometheus's HTTP query API under /prometheus, so Grafana's Prometheus data source (URL
``http://host:8080/prometheus``) works against hostwatch; see docs/promql.md.

Answers have Prometheus's JSON shape: ``{"status": "success", "data": ...}`` or
``{"status": "error", "errorType": ..., "error": ...}`` with its HTTP codes (400 bad_data,
422 execution, 503 timeout or unavailable). Queries run in worker threads, at most
QUERY_WORKERS at once, so a heavy one never holds up the event loop or the other pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from anyio import CapacityLimiter, to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cli import __version__
from model.errors import HostwatchError, PromQLError, QueryError, StorageUnavailable
from promql import Engine, duration_ms, results, selectors
from storage import QueryLimitError, Series, Storage
from web.auth.forms import URLENCODED
from web.http import params, responses, state
from web.http.errors import WebError

log = logging.getLogger(__name__)
QUERY_WORKERS = 4
_limiter: CapacityLimiter | None = None
Params = dict[str, list[str]]
# Grafana reads the version to pick the API features it uses: this is the Prometheus
# release whose API and PromQL semantics hostwatch answers with.
PROMETHEUS_VERSION = "2.42.0"
# An open start or end, as Prometheus's minTime and maxTime (the int64 range in ms).
MIN_TIME_MS, MAX_TIME_MS = -(2**63), 2**63 - 1


def _workers() -> CapacityLimiter:
    global _limiter
    if _limiter is None:  # made on first use: a limiter belongs to the running event loop
        _limiter = CapacityLimiter(QUERY_WORKERS)
    return _limiter


async def query(request: Request) -> Response:
    found = await _params(request)

    def run() -> Any:
        at = _time(found, "time", state.now_ms(request))
        return results.data(_engine(request).instant(_required(found, "query"), at))

    return await _answer(run)


async def query_range(request: Request) -> Response:
    found = await _params(request)

    def run() -> Any:
        start = _time(found, "start", None)
        end = _time(found, "end", None)
        step = _step(_required(found, "step"))
        return results.data(_engine(request).range(_required(found, "query"), start, end, step))

    return await _answer(run)


async def series(request: Request) -> Response:
    found = await _params(request)

    def run() -> Any:
        return [_metric(s) for s in _matching(request, found, required=True)]

    return await _answer(run)


async def labels(request: Request) -> Response:
    found = await _params(request)

    def run() -> Any:
        return sorted({name for s in _matching(request, found) for name in _metric(s)})

    return await _answer(run)


async def label_values(request: Request) -> Response:
    found = await _params(request)
    name = request.path_params["name"]

    def run() -> Any:
        values = {_metric(s).get(name, "") for s in _matching(request, found)}
        return sorted(values - {""})

    return await _answer(run)


async def metadata(request: Request) -> Response:
    found = await _params(request)

    def run() -> Any:
        storage = state.storage(request)
        wanted = found.get("metric", [""])[0]
        names = [wanted] if wanted else sorted({s.name for s in storage.series(None)})
        known = storage.metadata_of(names)
        return {
            name: [{"type": m.type, "help": m.help, "unit": m.unit}] for name, m in known.items()
        }

    return await _answer(run)


async def buildinfo(_request: Request) -> Response:
    data = {
        "version": PROMETHEUS_VERSION,
        "revision": f"hostwatch-{__version__}",
        "branch": "",
        "buildUser": "",
        "buildDate": "",
        "goVersion": "",
    }
    return _success(data)


async def empty_list(_request: Request) -> Response:
    """query_exemplars and friends: hostwatch keeps none, and says so as Prometheus would."""
    return _success([])


async def healthy(_request: Request) -> Response:
    return PlainTextResponse("Prometheus API (hostwatch) is Healthy.\n")


async def _params(request: Request) -> Params:
    """The query string's parameters and, for a form POST, the body's."""
    found = parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "POST" and request.headers.get("content-type", "").startswith(URLENCODED):
        body = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
        for name, values in body.items():
            found.setdefault(name, []).extend(values)
    return found


def _required(found: Params, name: str) -> str:
    values = found.get(name)
    if not values or not values[0]:
        raise PromQLError(f"invalid parameter {name!r}: missing")
    return values[0]


def _time(found: Params, name: str, default: int | None) -> int:
    values = found.get(name)
    if not values or not values[0]:
        if default is None:
            raise PromQLError(f"invalid parameter {name!r}: missing")
        return default
    try:
        return params.timestamp_ms(name, values[0])
    except WebError as error:
        raise PromQLError(f"invalid parameter {name!r}: {error}") from None


def _step(text: str) -> int:
    try:
        return duration_ms(text)
    except PromQLError as error:
        raise PromQLError(f"invalid parameter 'step': {error}") from None


def _engine(request: Request) -> Engine:
    return Engine(state.storage(request), state.settings(request).promql)


def _matching(request: Request, found: Params, required: bool = False) -> list[Series]:
    """The series any ``match[]`` selects (every series if none is given and none must be)."""
    selected = [selectors.selector(text) for text in found.get("match[]", []) if text]
    if required and not selected:
        raise PromQLError("no match[] parameter provided")
    storage = state.storage(request)
    if not selected:
        return _between(storage, found, storage.series(None))
    by_id: dict[int, Series] = {}
    for matchers in selected:
        by_id.update((s.id, s) for s in storage.series(None, matchers))
    return _between(storage, found, [by_id[key] for key in sorted(by_id)])


def _between(storage: Storage, found: Params, series: list[Series]) -> list[Series]:
    """``series`` with samples between the ``start`` and ``end`` given (either open: all time,
    as Prometheus defaults them), in one batched read."""
    if not (found.get("start", [""])[0] or found.get("end", [""])[0]):
        return series
    start, end = _time(found, "start", MIN_TIME_MS), _time(found, "end", MAX_TIME_MS)
    if end < start:
        raise PromQLError("invalid parameter 'end': end timestamp must not be before start time")
    return storage.series_between(series, start, end)


def _metric(found: Series) -> dict[str, str]:
    """The series' labels as Prometheus has them: with the name, without empty values."""
    return {"__name__": found.name, **{name: value for name, value in found.labels if value}}


async def _answer(run: Callable[[], Any]) -> Response:
    try:
        data = await to_thread.run_sync(run, limiter=_workers())
    except HostwatchError as error:
        return _failure(error)
    return _success(data)


def _success(data: Any) -> Response:
    return responses.uncached(200, {"status": "success", "data": data})


STATUS = {"bad_data": 400, "execution": 422, "timeout": 503}


def _failure(error: HostwatchError) -> Response:
    if isinstance(error, PromQLError):
        kind, message = error.kind, error.message
    elif isinstance(error, QueryLimitError):
        kind, message = "execution", str(error)
    elif isinstance(error, QueryError):
        kind, message = "bad_data", str(error)
    elif isinstance(error, StorageUnavailable):
        body = {
            "status": "error",
            "errorType": "unavailable",
            "error": "the database is unavailable",
        }
        return responses.uncached(503, body)
    else:
        log.error("prometheus API: %s", error)
        return _error(500, "internal", "the server failed to answer this query")
    return _error(STATUS[kind], kind, message)


def _error(status: int, kind: str, message: str) -> Response:
    return responses.uncached(status, {"status": "error", "errorType": kind, "error": message})


PREFIX = "/prometheus/api/v1"
READS = ["GET", "POST"]  # Grafana POSTs its queries: a POST here changes nothing
ROUTES = [
    Route(f"{PREFIX}/query", query, methods=READS),
    Route(f"{PREFIX}/query_range", query_range, methods=READS),
    Route(f"{PREFIX}/series", series, methods=READS),
    Route(f"{PREFIX}/labels", labels, methods=READS),
    Route(f"{PREFIX}/label/{{name}}/values", label_values),
    Route(f"{PREFIX}/metadata", metadata),
    Route(f"{PREFIX}/status/buildinfo", buildinfo),
    Route(f"{PREFIX}/query_exemplars", empty_list, methods=READS),
    Route("/prometheus/-/healthy", healthy),
    Route("/prometheus/-/ready", healthy),
]

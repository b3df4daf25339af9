"""The server-rendered pages: fleet overview, server page, API reference, errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from storage import TargetHealth
from web import (
    alerts,
    charts,
    dashboard,
    explorer,
    headline,
    identity,
    notices,
    openapi,
    overview,
    params,
    responses,
    state,
    units,
)
from web.auth import csrf, principal
from web.series import haystack
from web.servers import STATES, Filters, find

HTML = "text/html; charset=utf-8"
TEMPLATES = Environment(
    loader=PackageLoader("web", "templates"), autoescape=True, undefined=StrictUndefined
)


def server_url(target: TargetHealth) -> str:
    return f"/servers/{quote(target.instance, safe=':')}?job={quote(target.job, safe='')}"


def metrics_url(target: TargetHealth, **extra: str) -> str:
    """The target's metric explorer, with ``extra`` query parameters (empty ones left out)."""
    query = urlencode({"job": target.job, **{k: v for k, v in extra.items() if v}})
    return f"/servers/{quote(target.instance, safe=':')}/metrics?{query}"


def query_without(query: QueryParams, *names: str) -> str:
    """The query string minus ``names``, ready for more parameters (ends with & if not empty)."""
    kept = [(key, value) for key, value in query.multi_items() if key not in names]
    return urlencode(kept) + "&" if kept else ""


TEMPLATES.filters.update(
    span=units.span,
    percent=units.percent,
    number=units.number,
    rfc3339=units.rfc3339,
    svg=charts.svg,
    dict_without=query_without,
)
TEMPLATES.globals.update(
    server_url=server_url, metrics_url=metrics_url, csrf_field=csrf.field, principal=principal.of
)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    body = TEMPLATES.get_template(template).render(request=request, **context).encode()
    if status_code != 200:
        headers = {"Cache-Control": "no-store"}
        return Response(body, status_code, media_type=HTML, headers=headers)
    return responses.cached(request, body, HTML, responses.PAGE_CACHE)


def fleet(request: Request) -> Response:
    query, store, now = request.query_params, state.storage(request), state.now_ms(request)
    filters = Filters.from_query(query)
    column = params.choice("sort", query.get("sort", "state"), tuple(overview.BY_NAME))
    descending = params.choice("order", query.get("order", "asc"), ("asc", "desc")) == "desc"
    targets = store.targets()
    figures = state.figures(request).get(store, now)
    firing = alerts.firing_by_instance(alerts.current(store, now))
    rows = [
        overview.Row(t, figures.get((t.job, t.instance), headline.Headline()), now)
        for t in filters.apply(targets)
    ]
    return render(
        request,
        "overview.html",
        rows=overview.ordered(rows, column, descending),
        counts=overview.counts(targets),
        firing=firing,
        notices=notices.of_scrapers(store.scrapers(), now),
        jobs=sorted({t.job for t in targets}),
        states=STATES,
        filters=filters,
        sort=column,
        descending=descending,
        columns=overview.COLUMNS,
    )


def server(request: Request) -> Response:
    store, now = state.storage(request), state.now_ms(request)
    target = find(store, request.path_params["instance"], request.query_params.get("job", ""))
    window = dashboard.Window.from_query(request.query_params, now)
    return render(
        request,
        "server.html",
        target=target,
        now_ms=now,
        identity=identity.of(store, target),
        headline=headline.one(store, target),
        history=store.health_history(target.job, target.instance)[-50:][::-1],
        alerts=[
            shown
            for shown in alerts.current(store, now, alerts.Filters(instance=target.instance))
            if shown.state not in ("pending", "resolved")
        ],
        window=window,
        windows=dashboard.WINDOWS,
        charts=dashboard.charts(store, target, window),
    )


def metrics(request: Request) -> Response:
    store, query = state.storage(request), request.query_params
    target = find(store, request.path_params["instance"], query.get("job", ""))
    window = dashboard.Window.from_query(query, state.now_ms(request))
    return render(
        request,
        "metrics.html",
        target=target,
        q=query.get("q", ""),
        window=window,
        windows=dashboard.WINDOWS,
        found=explorer.explore(store, target, query, window),
        haystack=haystack,
    )


def api_reference(request: Request) -> Response:
    return render(request, "api.html", document=openapi.DOCUMENT)


def openapi_json(request: Request) -> Response:
    return responses.api(request, openapi.DOCUMENT)


def is_api(path: str) -> bool:
    return path.startswith(("/api/", "/prometheus/")) or path == "/health"


def error_page(request: Request, status: int, code: str, detail: str) -> Response:
    """JSON under /api and /health, an HTML page elsewhere."""
    if is_api(request.url.path):
        return responses.error(status, code, detail)
    return render(request, "error.html", status, status=status, code=code, detail=detail)


ROUTES: list[BaseRoute] = [
    Route("/", fleet),
    # Before the server page, whose {instance:path} would take ".../metrics" as an instance.
    Route("/servers/{instance:path}/metrics", metrics),
    Route("/servers/{instance:path}", server),
    Route("/api", api_reference),
    Route("/api/v1/openapi.json", openapi_json),
    Mount("/static", StaticFiles(packages=[("web", "static")]), name="static"),
]

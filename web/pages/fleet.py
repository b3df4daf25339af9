"""The server-rendered pages: fleet overview, server page, metric explorer, API reference."""

from __future__ import annotations

from typing import cast

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from web.api import openapi
from web.http import params, responses, state
from web.pages.render import render
from web.views import alerts, dashboard, explorer, headline, identity, notices, overview
from web.views.headline import SharedFleet
from web.views.series import haystack
from web.views.servers import STATES, Filters, find


def shared_figures(request: HTTPConnection) -> SharedFleet:
    """The overview's headline figures, shared between requests (made by ``create_app``)."""
    return cast(SharedFleet, request.app.state.figures)


def fleet(request: Request) -> Response:
    query, store, now = request.query_params, state.storage(request), state.now_ms(request)
    filters = Filters.from_query(query)
    column = params.choice("sort", query.get("sort", "state"), tuple(overview.BY_NAME))
    descending = params.choice("order", query.get("order", "asc"), ("asc", "desc")) == "desc"
    targets = store.targets()
    figures = shared_figures(request).get(store, now)
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


ROUTES: list[BaseRoute] = [
    Route("/", fleet),
    # Before the server page, whose {instance:path} would take ".../metrics" as an instance.
    Route("/servers/{instance:path}/metrics", metrics),
    Route("/servers/{instance:path}", server),
    Route("/api", api_reference),
    Route("/api/v1/openapi.json", openapi_json),
    Mount("/static", StaticFiles(packages=[("web", "static")]), name="static"),
]

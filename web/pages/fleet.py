"""The server-rendered pages: fleet overview, server page, metric explorer, API reference."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from storage import TargetHealth
from web.api import openapi
from web.http import params, responses, state
from web.pages.fleet_rows import Table
from web.pages.render import render
from web.views import (
    alerts,
    compare,
    containers,
    dashboard,
    explorer,
    headline,
    identity,
    moments,
    notices,
    overview,
    processes,
    reads,
    uptime,
)
from web.views.registrations import Origins
from web.views.series import haystack
from web.views.servers import STATES, Filters, find


def fleet(request: Request) -> Response:
    query, store, now = request.query_params, state.storage(request), state.now_ms(request)
    filters = Filters.from_query(query)
    column = params.choice("sort", query.get("sort", "state"), tuple(overview.BY_NAME))
    descending = params.choice("order", query.get("order", "asc"), ("asc", "desc")) == "desc"
    group = overview.grouping(query.get("group", ""))
    targets = store.targets()
    figures = headline.shared(request).get(store, now)
    kept = overview.search(filters.apply(targets), query.get("q", ""))
    since = now - uptime.PERIODS["30d"]
    uptimes = uptime.fleet(kept, store.health_changes(since), now)
    rows = [
        overview.Row(t, figures.get((t.job, t.instance), headline.Headline()), now,
                     uptimes[(t.job, t.instance)])
        for t in kept
    ]  # fmt: skip
    firing = alerts.firing_by_instance(alerts.current(store, now))
    columns = overview.shown(rows)
    return render(
        request,
        "overview.html",
        groups=overview.grouped(overview.ordered(rows, column, descending), group),
        group=group,
        q=query.get("q", ""),
        counts=overview.counts(targets),
        firing=firing,
        table=Table(firing, Origins.of(store), now, columns[-1].name == "containers"),
        notices=notices.of_scrapers(store.scrapers(), now),
        jobs=sorted({t.job for t in targets}),
        label_keys=sorted({k for t in targets for k, _ in t.labels}),
        states=STATES,
        filters=filters,
        sort=column,
        descending=descending,
        columns=columns,
        now_ms=now,
    )


def _window(request: Request) -> dashboard.Window:
    """The charted range, with times typed in the zone the page's script saved."""
    saved = request.cookies.get(moments.ZONE_COOKIE, "")
    return dashboard.Window.for_page(request.query_params, state.now_ms(request), saved)


def server(request: Request) -> Response:
    store, now = state.storage(request), state.now_ms(request)
    target = find(store, request.path_params["instance"], request.query_params.get("job", ""))
    window = _window(request)
    asked = request.query_params.getlist("container")
    figures = reads.together(store, lambda ranges: _figures(ranges, target, window, asked))
    shown = figures["charts"]
    return render(
        request,
        "server.html",
        **figures,
        target=target,
        now_ms=now,
        stale=target.health != "up",
        history=store.health_history(target.job, target.instance)[-50:][::-1],
        alerts=[
            shown
            for shown in alerts.current(store, now, alerts.Filters(instance=target.instance))
            if shown.state not in ("pending", "resolved")
        ],
        window=window,
        windows=dashboard.WINDOWS,
        collecting=dashboard.waiting(shown) if dashboard.collecting(target, shown, now) else None,
    )


def _figures(
    ranges: reads.Ranges, target: TargetHealth, window: dashboard.Window, asked: list[str]
) -> dict[str, Any]:
    """What the server page shows of the target's samples, read through ``ranges``."""
    workloads = containers.of(ranges, target)
    picked = containers.picked(workloads.containers, asked)
    return {
        "workloads": workloads,
        "processes": processes.top(ranges, target),
        "picked": {container.id for container in picked},
        "container_charts": containers.charts(ranges, target, window, picked),
        "identity": identity.of(ranges, target),
        "headline": headline.one(ranges, target),
        "charts": dashboard.charts(ranges, target, window),
    }


def metrics(request: Request) -> Response:
    store, query = state.storage(request), request.query_params
    target = find(store, request.path_params["instance"], query.get("job", ""))
    window = _window(request)
    return render(
        request,
        "metrics.html",
        target=target,
        q=query.get("q", ""),
        window=window,
        windows=dashboard.WINDOWS,
        found=explorer.explore(store, target, query, window),
        most=explorer.MOST,
        haystack=haystack,
    )


def compare_page(request: Request) -> Response:
    store, query = state.storage(request), request.query_params
    metric = params.choice("metric", query.get("metric", "cpu"), tuple(compare.METRICS))
    window = _window(request)
    targets = compare.chosen(store, [v for v in query.getlist("server") if v])
    selector = compare.Selector.parse(query["selector"]) if query.get("selector") else None
    if not targets:
        chart = None
    elif selector:
        chart = compare.selected(store, targets, selector, window)
    else:
        chart = compare.chart(store, targets, metric, window)
    return render(
        request,
        "compare.html",
        metric=metric,
        metrics=compare.METRICS,
        selector=selector.text if selector else "",
        chosen=[t.instance for t in targets],
        targets=sorted(store.targets(), key=lambda t: t.instance),
        window=window,
        windows=dashboard.WINDOWS,
        chart=chart,
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
    Route("/compare", compare_page),
    Route("/api", api_reference),
    Route("/api/v1/openapi.json", openapi_json),
    # Browsers ask for /favicon.ico whatever the page says; the pages name the SVG themselves.
    Route("/favicon.ico", lambda _: RedirectResponse("/static/favicon.svg", 301)),
    Mount("/static", StaticFiles(packages=[("web", "static")]), name="static"),
]

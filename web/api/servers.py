"""GET /api/v1/servers, /api/v1/servers/{instance} and /api/v1/servers/{instance}/series."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from storage import Storage, TargetHealth
from web.api import shapes
from web.http import params, responses, state
from web.views import headline, identity, servers
from web.views.registrations import Origins
from web.views.series import of_target, search

T = TypeVar("T")
HISTORY_SHOWN = 100
NONE = headline.Headline()


def list_servers(request: Request) -> Response:
    query = request.query_params
    filters = servers.Filters.from_query(query)
    found = servers.by_key(filters.apply(state.storage(request).targets()))
    page, links = paginate(request, found, lambda t: [t.job, t.instance])
    origins = Origins.of(state.storage(request))
    items = [shapes.target(t, origins) for t in page]
    if params.choice("headline", query.get("headline", "false"), ("false", "true")) == "true":
        # The overview's figures (the five minutes before now, shared for --figures-cache s).
        figures = headline.shared(request).get(state.storage(request), state.now_ms(request))
        for item, target in zip(items, page, strict=True):
            item["headline"] = shapes.headline(figures.get((target.job, target.instance), NONE))
    return responses.api(request, {"servers": items, "total": len(found), "links": links})


def server(request: Request) -> Response:
    store = state.storage(request)
    target = _target(request, store)
    body = shapes.target(target, Origins.of(store))
    body["identity"] = identity.of(store, target)
    body["headline"] = shapes.headline(headline.one(store, target))
    history = store.health_history(target.job, target.instance)[-HISTORY_SHOWN:]
    body["history"] = [shapes.change(c) for c in history]
    return responses.api(request, body)


def list_series(request: Request) -> Response:
    store = state.storage(request)
    target = _target(request, store)
    found = search(of_target(store, target), request.query_params.get("search", ""))
    page, links = paginate(request, found, lambda s: [s.name, repr(s.labels)])
    kinds = store.metadata_of(sorted({s.name for s in page}))
    items = [shapes.series(s, (k := kinds.get(s.name)) and k.type) for s in page]
    return responses.api(request, {"series": items, "total": len(found), "links": links})


def _target(request: Request, store: Storage) -> TargetHealth:
    job = request.query_params.get("job", "")
    return servers.find(store, request.path_params["instance"], job)


def paginate(
    request: Request, items: Sequence[T], key: Callable[[T], list[str]]
) -> tuple[Sequence[T], dict[str, Any]]:
    """Keyset pagination: the items after ``cursor`` (the last key seen), ``limit`` of them."""
    query = request.query_params
    limit = params.integer("limit", query.get("limit", "100"), 1, 1000)
    after = params.cursor("cursor", query["cursor"]) if query.get("cursor") else None
    rest = [item for item in items if after is None or key(item) > after]
    page = rest[:limit]
    more = len(rest) > limit
    next_url = _with(request, cursor=params.make_cursor(key(page[-1]))) if more else None
    return page, {"self": _with(request), "next": next_url}


def _with(request: Request, **changed: str) -> str:
    """This request's path and query, relative so it survives a reverse proxy."""
    url = request.url.include_query_params(**changed)
    return f"{url.path}?{url.query}" if url.query else url.path

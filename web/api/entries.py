"""GET and POST /api/v1/rules and /api/v1/receivers, PATCH and DELETE of one by name: the rules
and receivers created in the browser or over the API (admin), beside alerts.yml's (listed
read-only). A scraper checks each block with alerts.yml's code before it is stored."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from storage import AlertingEntry, EntryKind
from web.http import responses, state
from web.http.bodies import json_document
from web.views import entries

PLURAL: dict[EntryKind, str] = {"rule": "rules", "receiver": "receivers"}


def _kind(request: Request) -> EntryKind:
    return "rule" if request.url.path.startswith("/api/v1/rules") else "receiver"


def list_entries(request: Request) -> Response:
    kind = _kind(request)
    found = entries.listed(state.storage(request), kind)
    return responses.api(request, {PLURAL[kind]: found})


async def create(request: Request) -> Response:
    kind, body = _kind(request), json_document(await request.body())
    block = entries.named(kind, entries.new_name(kind, body), body)
    return responses.uncached(201, entries.shape(await _submit(request, kind, block)))


async def update(request: Request) -> Response:
    kind, store = _kind(request), state.storage(request)
    entry = entries.stored(store, kind, request.path_params["name"])
    block = entries.changed(entry, json_document(await request.body()))
    return responses.uncached(200, entries.shape(await _submit(request, kind, block)))


async def remove(request: Request) -> Response:
    removed = await entries.remove(
        state.storage(request), _kind(request), request.path_params["name"]
    )
    return responses.uncached(200, entries.shape(removed))


async def _submit(request: Request, kind: EntryKind, block: dict[str, Any]) -> AlertingEntry:
    wait = state.settings(request).test_wait_s
    return await entries.submit(state.storage(request), kind, block, wait)


ROUTES = [
    route
    for plural in PLURAL.values()
    for route in (
        Route(f"/api/v1/{plural}", list_entries, methods=["GET"]),
        Route(f"/api/v1/{plural}", create, methods=["POST"]),
        Route(f"/api/v1/{plural}/{{name}}", update, methods=["PATCH"]),
        Route(f"/api/v1/{plural}/{{name}}", remove, methods=["DELETE"]),
    )
]

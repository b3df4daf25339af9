"""POST /api/v1/servers, PATCH and DELETE /api/v1/servers/{instance}: servers registered at
run time, which the scraper picks up from the database within its reload interval."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from storage import RegisteredServer
from web.http import responses, state
from web.http.bodies import json_document
from web.views import registrations
from web.views.units import rfc3339


async def create(request: Request) -> Response:
    body = json_document(await request.body())  # its size bounded by web.http.bodies.BodyLimit
    server = registrations.register(state.storage(request), body, state.now_ms(request))
    return responses.uncached(201, shape(server))


async def update(request: Request) -> Response:
    body = json_document(await request.body())
    store = state.storage(request)
    server = registrations.changed(_registered(request), body, state.now_ms(request))
    return responses.uncached(200, shape(store.replace_server(server)))


def remove(request: Request) -> Response:
    server = _registered(request)
    state.storage(request).remove_server(server.address)
    return responses.uncached(200, shape(server))


def _registered(request: Request) -> RegisteredServer:
    return registrations.registered(state.storage(request), request.path_params["instance"])


def shape(server: RegisteredServer) -> dict[str, Any]:
    return {
        "address": server.address,
        "job": server.job,
        "labels": dict(server.labels),
        "scheme": server.scheme,
        "scrape_interval": registrations.interval_text(server.scrape_interval_s),
        "paused": server.paused,
        "source": "api",
        "created": rfc3339(server.created_ms),
        "updated": rfc3339(server.updated_ms),
    }

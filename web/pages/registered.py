"""The page of servers registered from the browser: the "Add server" form with the exporter's
install snippet, the registered servers with their edit and remove forms, and after adding
one its first scrape, live. Each form answers with a redirect (POST/redirect/GET); they make
the same checks as POST/PATCH/DELETE /api/v1/servers, through web.views.registrations."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from storage import RegisteredServer
from web.auth import forms
from web.http import state
from web.pages.render import render
from web.views import registrations
from web.views.registrations import CHANGED, CREATED

PAGE = "/fleet/servers"


def page(request: Request) -> Response:
    store = state.storage(request)
    added = request.query_params.get("added", "")
    return render(
        request,
        "registered.html",
        servers=store.registered_servers(),
        added=store.registered_server(added) if added else None,
        interval_text=registrations.interval_text,
    )


async def create(request: Request) -> Response:
    form = await forms.submitted(request)
    body = registrations.from_form(form, CREATED)
    server = registrations.register(state.storage(request), body, state.now_ms(request))
    return RedirectResponse(f"{PAGE}?added={quote(server.address, safe=':')}", status_code=303)


async def edit(request: Request) -> Response:
    form = await forms.submitted(request)
    store = state.storage(request)
    found = _registered(request)
    body = registrations.from_form(form, CHANGED)
    store.replace_server(registrations.changed(found, body, state.now_ms(request)))
    return RedirectResponse(PAGE, status_code=303)


def remove(request: Request) -> Response:
    state.storage(request).remove_server(_registered(request).address)
    return RedirectResponse(PAGE, status_code=303)


def _registered(request: Request) -> RegisteredServer:
    return registrations.registered(state.storage(request), request.path_params["address"])


ROUTES: list[BaseRoute] = [
    Route(PAGE, page),
    Route(PAGE, create, methods=["POST"]),
    Route(PAGE + "/{address:path}/edit", edit, methods=["POST"]),
    Route(PAGE + "/{address:path}/remove", remove, methods=["POST"]),
]

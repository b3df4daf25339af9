"""The /alerts page's forms for rules and receivers created in the browser (admin): add, edit,
delete. Each is checked by a scraper as the API's are, then redirects back (POST/redirect/GET);
a refusal shows the error page with the scraper's words."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from storage import EntryKind
from web.auth import forms
from web.http import state
from web.views import entries, entry_forms

ANCHOR: dict[EntryKind, str] = {"rule": "rules", "receiver": "receivers"}


def _kind(request: Request) -> EntryKind:
    return "rule" if request.url.path.startswith("/alerts/rules") else "receiver"


def _block(kind: EntryKind, form: dict[str, str]) -> dict[str, object]:
    if kind == "rule":
        return entry_forms.rule_block(form)
    return entry_forms.receiver_block(form)


async def create(request: Request) -> Response:
    kind = _kind(request)
    block = _block(kind, await forms.submitted(request))
    named = entries.named(kind, entries.new_name(kind, block), block)
    await entries.submit(state.storage(request), kind, named, state.settings(request).test_wait_s)
    return _back(kind)


async def update(request: Request) -> Response:
    kind, store = _kind(request), state.storage(request)
    entry = entries.stored(store, kind, request.path_params["name"])
    block = entries.named(kind, entry.name, _block(kind, await forms.submitted(request)))
    await entries.submit(store, kind, block, state.settings(request).test_wait_s)
    return _back(kind)


async def remove(request: Request) -> Response:
    kind = _kind(request)
    await entries.remove(state.storage(request), kind, request.path_params["name"])
    return _back(kind)


def _back(kind: EntryKind) -> Response:
    return RedirectResponse(f"/alerts#{ANCHOR[kind]}", status_code=303)


ROUTES: list[BaseRoute] = [
    route
    for plural in ANCHOR.values()
    for route in (
        Route(f"/alerts/{plural}", create, methods=["POST"]),
        Route(f"/alerts/{plural}/{{name}}", update, methods=["POST"]),
        Route(f"/alerts/{plural}/{{name}}/delete", remove, methods=["POST"]),
    )
]

"""The /alerts page (current alerts, silences, history) and its two forms: create a silence,
expire one. Both forms answer with a redirect back to the page (POST/redirect/GET)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from storage import SHOWN_STATES
from web.http import params, state
from web.http.errors import BadParameter
from web.pages.render import render
from web.views import alerts, silences
from web.views.alerts import Filters

HISTORY_SHOWN = 50
MAX_FORM = 16 * 1024


def page(request: Request) -> Response:
    store, now = state.storage(request), state.now_ms(request)
    filters = Filters.from_query(request.query_params, SHOWN_STATES)
    return render(
        request,
        "alerts.html",
        shown=alerts.current(store, now, filters),
        filters=filters,
        states=SHOWN_STATES,
        silences=alerts.active_silences(store, now),
        history=alerts.history(store)[:HISTORY_SHOWN],
        now_ms=now,
        matchers=request.query_params.get("silence", ""),
    )


async def create_silence(request: Request) -> Response:
    form = await _form(request)
    state.storage(request).add_silence(silences.from_form(form, state.now_ms(request)))
    return RedirectResponse("/alerts#silences", status_code=303)


def expire_silence(request: Request) -> Response:
    wanted = params.integer("id", request.path_params["id"], 1, 2**62)
    state.storage(request).expire_silence(wanted)
    return RedirectResponse("/alerts#silences", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form (what a plain HTML form posts), read without python-multipart."""
    body = await request.body()
    if len(body) > MAX_FORM:
        raise BadParameter("form", f"larger than {MAX_FORM} bytes")
    try:
        return dict(parse_qsl(body.decode(), max_num_fields=8))
    except (UnicodeDecodeError, ValueError):
        raise BadParameter("form", "is not an urlencoded UTF-8 form") from None


ROUTES: list[BaseRoute] = [
    Route("/alerts", page),
    Route("/alerts/silences", create_silence, methods=["POST"]),
    Route("/alerts/silences/{id}/expire", expire_silence, methods=["POST"]),
]

"""The /alerts page (current alerts, silences, history, the rules, receivers and route in
force) and its forms: create a silence, expire one, send a test notification. Each answers
with a redirect back to the page (POST/redirect/GET)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from storage import SHOWN_STATES
from web.http import params, state
from web.http.errors import BadParameter
from web.pages.render import render
from web.views import alerting, alerts, entries, silences
from web.views.alerts import Filters

HISTORY_SHOWN = 50


def page(request: Request) -> Response:
    store, now = state.storage(request), state.now_ms(request)
    filters = Filters.from_query(request.query_params, SHOWN_STATES)
    wanted = request.query_params.get("tested", "")
    tested = store.notification_test(params.integer("tested", wanted, 1, 2**62)) if wanted else None
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
        in_force=alerting.InForce.of(store),
        tested=tested,
        tested_results=alerting.results(tested) if tested else [],
        stored=entries.Forms.of(store),
    )


async def create_silence(request: Request) -> Response:
    form = await _form(request)
    state.storage(request).add_silence(silences.from_form(form, state.now_ms(request)))
    return RedirectResponse("/alerts#silences", status_code=303)


async def test_receiver(request: Request) -> Response:
    store = state.storage(request)
    name = alerting.receiver_name(store, request.path_params["name"])
    answered = await alerting.test_notification(store, name, state.settings(request).test_wait_s)
    return RedirectResponse(f"/alerts?tested={answered.id}#receivers", status_code=303)


def expire_silence(request: Request) -> Response:
    wanted = params.integer("id", request.path_params["id"], 1, 2**62)
    state.storage(request).expire_silence(wanted)
    return RedirectResponse("/alerts#silences", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form (what a plain HTML form posts), read without python-multipart."""
    body = await request.body()  # its size bounded by web.http.bodies.BodyLimit
    try:
        return dict(parse_qsl(body.decode(), max_num_fields=8))
    except (UnicodeDecodeError, ValueError):
        raise BadParameter("form", "is not an urlencoded UTF-8 form") from None


ROUTES: list[BaseRoute] = [
    Route("/alerts", page),
    Route("/alerts/silences", create_silence, methods=["POST"]),
    Route("/alerts/silences/{id}/expire", expire_silence, methods=["POST"]),
    Route("/alerts/receivers/{name}/test", test_receiver, methods=["POST"]),
]

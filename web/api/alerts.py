"""GET /api/v1/alerts and /api/v1/alerts/history; GET, POST /api/v1/silences and
GET, DELETE /api/v1/silences/{id}."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from storage import SHOWN_STATES, AlertEvent, Silence
from web.api.servers import paginate
from web.http import params, responses, state
from web.http.errors import BadParameter, NotFound
from web.views import alerts, silences
from web.views.alerts import Filters, Shown
from web.views.units import rfc3339

MAX_BODY = 64 * 1024


def list_alerts(request: Request) -> Response:
    filters = Filters.from_query(request.query_params, SHOWN_STATES)
    found = alerts.current(state.storage(request), state.now_ms(request), filters)
    page, links = paginate(request, found, Shown.sort_key)
    body = {"alerts": [alert_shape(s) for s in page], "total": len(found), "links": links}
    return responses.api(request, body)


def list_history(request: Request) -> Response:
    filters = Filters.from_query(request.query_params, alerts.HISTORY_STATES)
    found = alerts.history(state.storage(request), filters)
    page, links = paginate(request, found, alerts.history_key)
    body = {"history": [event_shape(e) for e in page], "total": len(found), "links": links}
    return responses.api(request, body)


def list_silences(request: Request) -> Response:
    found = state.storage(request).silences()[::-1]
    return responses.api(
        request, {"silences": [silence_shape(s, state.now_ms(request)) for s in found]}
    )


async def create_silence(request: Request) -> Response:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise BadParameter("body", f"larger than {MAX_BODY} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadParameter("body", "is not JSON") from None
    now = state.now_ms(request)
    created = state.storage(request).add_silence(silences.from_json(body, now))
    return responses.uncached(
        201, {"silenceID": created.id, "silence": silence_shape(created, now)}
    )


def get_silence(request: Request) -> Response:
    found = _silence(request)
    return responses.api(request, silence_shape(found, state.now_ms(request)))


def expire_silence(request: Request) -> Response:
    found = _silence(request)
    state.storage(request).expire_silence(found.id)
    ended = _silence(request)
    return responses.uncached(200, silence_shape(ended, state.now_ms(request)))


def _silence(request: Request) -> Silence:
    wanted = params.integer("id", request.path_params["id"], 1, 2**62)
    for found in state.storage(request).silences():
        if found.id == wanted:
            return found
    raise NotFound(f"no silence {wanted}")


def alert_shape(shown: Shown) -> dict[str, Any]:
    alert = shown.alert
    return {
        "fingerprint": alert.fingerprint,
        "alertname": alert.rule,
        "state": shown.state,
        "labels": dict(alert.labels),
        "annotations": dict(alert.annotations),
        "value": responses.finite(alert.value),
        "active_since": rfc3339(alert.active_since_ms),
        "fired_at": rfc3339(alert.fired_ms),
        "resolved_at": rfc3339(alert.resolved_ms),
        "silenced_by": list(shown.silenced_by),
    }


def event_shape(event: AlertEvent) -> dict[str, Any]:
    return {
        "time": rfc3339(event.timestamp_ms),
        "fingerprint": event.fingerprint,
        "alertname": event.rule,
        "state": event.state,
        "labels": dict(event.labels),
        "value": responses.finite(event.value),
    }


def silence_shape(silence: Silence, now_ms: int) -> dict[str, Any]:
    status = (
        "active"
        if silence.active(now_ms)
        else ("expired" if silence.ends_ms <= now_ms else "pending")
    )
    return {
        "id": silence.id,
        "matchers": [
            {
                "name": m.name,
                "value": m.value,
                "isRegex": "~" in m.op,
                "isEqual": not m.op.startswith("!"),
            }
            for m in silence.matchers
        ],
        "startsAt": rfc3339(silence.starts_ms),
        "endsAt": rfc3339(silence.ends_ms),
        "createdBy": silence.created_by,
        "comment": silence.comment,
        "status": {"state": status},
    }

"""POST /api/v1/receivers/{name}/test: send a test notification through a receiver of the
alerting in force and report each integration's real answer (status, error, timeout)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.http import responses, state
from web.views import alerting


async def test(request: Request) -> Response:
    store = state.storage(request)
    name = alerting.receiver_name(store, request.path_params["name"])
    answered = await alerting.test_notification(store, name, state.settings(request).test_wait_s)
    return responses.uncached(200, {"receiver": name, "results": alerting.results(answered)})

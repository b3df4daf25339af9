"""GET /health: liveness, and whether the database answers."""

from __future__ import annotations

import logging

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response

from model.errors import StorageError
from web.http import responses, state

log = logging.getLogger(__name__)


async def health(request: Request) -> Response:
    try:
        await to_thread.run_sync(state.storage(request).metadata, "up")
    except StorageError as failure:
        # The driver's message may name hosts and users: it goes to the log, not the client.
        log.warning("health check: %s", failure)
        body = {"status": "unavailable", "database": "unreachable"}
        return responses.uncached(503, body)
    return responses.uncached(200, {"status": "ok", "database": "reachable"})

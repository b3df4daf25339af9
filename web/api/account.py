"""GET /api/v1/me: whom the request authenticates as, so a script can check its token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.auth import principal
from web.http import responses


def me(request: Request) -> Response:
    found = principal.of(request)
    user = found.user
    # Without a user the request got this far only through open read-only access.
    body = {
        "user": user.name if user else None,
        "role": user.role if user else "viewer",
        "authenticated_by": found.via,
    }
    return responses.uncached(200, body)

"""Request bodies: bounded before anything reads them, and JSON bounded in depth.

Every body the app takes is a small form or a small JSON document, yet a route (or the CSRF
check before it) used to read the whole body first: a 200 MB POST to /login, no login needed,
took the web app from 65 to 849 MB. So the outermost middleware refuses a body over its limit
with 413, from its Content-Length before reading a byte, or as soon as a streamed body passes
it; nothing reads more than the limit.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.http import responses
from web.http.errors import BadParameter, WebError

FORM_BYTES = 16 * 1024
"""Login, password, token and silence forms: a few hundred bytes each."""
API_BYTES = 64 * 1024
"""A JSON silence with its matchers and comment."""
MAX_JSON_DEPTH = 32
"""Nesting a silence needs: 3. A deeper document is refused before json.loads recurses."""
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class BodyTooLarge(WebError):
    status = 413
    code = "too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is over {limit:,} bytes")


def limit_for(path: str) -> int:
    return API_BYTES if path.startswith("/api/") else FORM_BYTES


class BodyLimit:
    """Answers 413 for a body over ``limit_for(path)``; pure ASGI, so streams pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        if _declared(scope) > limit:
            await _refusal(limit)(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _bounded(receive, limit), watched_send)
        except BodyTooLarge:
            # Raised where no handler answers it (a middleware reading the body): answer here.
            if started:
                raise
            await _refusal(limit)(scope, receive, send)


def _declared(scope: Scope) -> int:
    """The Content-Length the client declared; 0 if none or not a number (the server refuses
    a malformed one before the app sees it)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def _bounded(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def bounded() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise BodyTooLarge(limit)
        return message

    return bounded


def _refusal(limit: int) -> Response:
    error = BodyTooLarge(limit)
    response = responses.error(error.status, error.code, str(error))
    response.headers["Connection"] = "close"  # the rest of the body is not read
    return response


def json_document(raw: bytes) -> Any:
    """``raw`` parsed as JSON; BadParameter if it is not JSON or nests over MAX_JSON_DEPTH."""
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        raise BadParameter("body", "is not UTF-8") from None
    depth = deepest = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    if deepest > MAX_JSON_DEPTH:
        raise BadParameter("body", f"nests {deepest} levels deep, over {MAX_JSON_DEPTH}")
    try:
        return json.loads(text)
    except ValueError:
        raise BadParameter("body", "is not JSON") from None

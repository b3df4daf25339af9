"""The access middleware: identify the caller, apply the policy, check CSRF, before routing.

Pure ASGI (no BaseHTTPMiddleware), so event streams pass through untouched; the database
lookups run in a worker thread like every other storage call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from anyio import to_thread
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from model.errors import HostwatchError
from web.auth import csrf, policy
from web.auth.policy import Need
from web.auth.principal import ANONYMOUS, Principal, identify
from web.http import responses, state

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]
ErrorPage = Callable[[Request, int, str, str], Response]
NO_USERS = "no user exists yet: create one with hostwatch-web user add NAME --role admin"
SIGN_IN = "sign in, or send a bearer token"
BAD_TOKEN = "the token is not valid (revoked, or mistyped)"


class Access:
    """Answers 401, 403 or a redirect to /login itself; otherwise calls the app with the
    principal in ``scope["user"]``. ``on_error`` answers storage failures met on the way,
    ``error_page`` (request, status, code, detail) words a refusal as the pages do."""

    def __init__(self, app: ASGIApp, on_error: ErrorHandler, error_page: ErrorPage) -> None:
        self.app = app
        self.on_error = on_error
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # none are served: closed rather than left unguarded
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http" or (need := _need(scope)) is Need.ANYONE:
            await self.app(scope, receive, send)
            return
        refusal, found, receive = await self._admitted(scope, receive, need)
        if refusal is None:
            await self.app({**scope, "user": found}, receive, send)
        else:
            await refusal(scope, receive, send)

    async def _admitted(
        self, scope: Scope, receive: Receive, need: Need
    ) -> tuple[Response | None, Principal, Receive]:
        """(a refusal or None, who is asking, the request body to read on)."""
        try:
            refusal, found = await to_thread.run_sync(
                _checked, HTTPConnection(scope), need, self.error_page
            )
        except HostwatchError as error:
            return await self.on_error(Request(scope), error), ANONYMOUS, receive
        if refusal is not None:
            return refusal, found, receive
        forged, receive = await _forged(scope, receive, found, self.error_page)
        return forged, found, receive


def _need(scope: Scope) -> Need:
    return policy.rule(scope["app"].routes, scope).need(scope["method"])


def _checked(
    conn: HTTPConnection, need: Need, error_page: ErrorPage
) -> tuple[Response | None, Principal]:
    """(a refusal or None, the principal)."""
    found = identify(conn)
    if found is None:
        return _unauthorized(conn, BAD_TOKEN, bad_token=True), ANONYMOUS
    if found.user is not None:
        allowed = policy.allows(need, found.user)
        return None if allowed else _forbidden(conn, found, need, error_page), found
    anyone_reads = _open(conn)
    if policy.allows(need, None, anyone_reads):
        return None, found
    return _unauthorized(conn, NO_USERS if anyone_reads else SIGN_IN), found


def _forbidden(
    conn: HTTPConnection, found: Principal, need: Need, error_page: ErrorPage
) -> Response:
    assert found.user is not None  # only a signed-in user is forbidden rather than unknown
    detail = f"this needs {need.value}; {found.user.name} has the {found.user.role} role"
    return error_page(Request({**conn.scope, "user": found}), 403, "forbidden", detail)


def _open(conn: HTTPConnection) -> bool:
    """Whether anyone may read: the server listens on loopback only and has no user yet."""
    return state.settings(conn).open_without_users and not state.storage(conn).has_users()


def _unauthorized(conn: HTTPConnection, detail: str, bad_token: bool = False) -> Response:
    if responses.is_api(conn.url.path) or "authorization" in conn.headers:
        response = responses.error(401, "unauthorized", detail)
        response.headers["WWW-Authenticate"] = (
            'Bearer error="invalid_token"' if bad_token else "Bearer"
        )
        return response
    back = conn.url.path + (f"?{conn.url.query}" if conn.url.query else "")
    asked = conn.scope["method"] in policy.SAFE_METHODS and back != "/"
    return RedirectResponse("/login" + (f"?{urlencode({'next': back})}" if asked else ""), 303)


async def _forged(
    scope: Scope, receive: Receive, found: Principal, error_page: ErrorPage
) -> tuple[Response | None, Receive]:
    """A 403 if a cookie-authenticated change lacks the session's CSRF token; the body read
    to find the form field is handed on to the app."""
    if found.via != "session" or scope["method"] in policy.SAFE_METHODS:
        return None, receive
    body = await _body(receive)
    conn = HTTPConnection(scope)
    if csrf.valid(csrf.submitted(conn.headers, body), found.csrf):
        return None, _replay(body, receive)
    detail = "the form's CSRF token is missing or stale: reload the page and try again"
    return error_page(Request(scope), 403, "forbidden", detail), receive


async def _body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message["type"] == "http.request" and message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # whatever comes next: a disconnect
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

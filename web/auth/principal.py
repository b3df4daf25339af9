"""Who is asking: the user behind a request's bearer token or session cookie, if any."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from starlette.requests import HTTPConnection

from storage import User
from web.auth import cookies, tokens
from web.http import state

Via = Literal["token", "session", "nobody"]


@dataclass(frozen=True, slots=True)
class Principal:
    """``csrf`` is the session's form token (empty unless ``via`` is "session")."""

    user: User | None
    via: Via
    csrf: str = ""


ANONYMOUS = Principal(None, "nobody")


def of(conn: HTTPConnection) -> Principal:
    """The principal the access middleware found (anonymous on a route open to anyone)."""
    found = conn.scope.get("user")
    return found if isinstance(found, Principal) else ANONYMOUS


def identify(conn: HTTPConnection) -> Principal | None:
    """The request's principal; None when it sent an Authorization header that is no valid
    token (refused even where anyone may read, so a mistyped token is never silent)."""
    header = conn.headers.get("authorization")
    if header is not None:
        return _token_holder(conn, tokens.from_header(header))
    return _session_holder(conn)


def _token_holder(conn: HTTPConnection, token: str | None) -> Principal | None:
    # No cache: a revoked token must fail on the very next request.
    user = state.storage(conn).token_owner(tokens.digest(token)) if token else None
    return Principal(user, "token") if user else None


def _session_holder(conn: HTTPConnection) -> Principal:
    settings = state.settings(conn)
    cookie = conn.cookies.get(cookies.NAME, "")
    payload = cookies.verified(
        cookie, settings.session_secret, state.now_ms(conn), settings.session_max_age_s
    )
    user = state.storage(conn).user_by_id(payload["uid"]) if payload else None
    if user is None or payload is None or cookies.fingerprint(user.password_hash) != payload["pw"]:
        return ANONYMOUS
    return Principal(user, "session", payload["csrf"])

"""Signing in and out: the login form, its throttling, and the session cookie it sets."""

from __future__ import annotations

import logging
from typing import cast
from urllib.parse import urlsplit

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from storage import Storage, User
from web.auth import cookies, csrf, forms, passwords
from web.auth.throttle import Throttle
from web.http import state
from web.pages.render import render

log = logging.getLogger(__name__)
WRONG = "wrong user name or password"


def safe_next(target: str) -> str:
    """``target`` if it is a path on this site, else "/": never an open redirect."""
    parts = urlsplit(target)
    local = target.startswith("/") and not target.startswith("//") and not parts.netloc
    return target if local and "\\" not in target and target.isprintable() else "/"


def login_form(request: Request) -> Response:
    return _login(request, 200, safe_next(request.query_params.get("next", "/")))


async def log_in(request: Request) -> Response:
    form = await forms.submitted(request)
    name, target = form.get("username", ""), safe_next(form.get("next", "/"))
    address = request.client.host if request.client else ""
    keys = (f"user:{name}", f"address:{address}")
    throttle, now = _throttle(request), state.now_ms(request)
    if wait := throttle.retry_after_s(keys, now):
        return _locked(request, target, wait)
    throttle.attempt(keys, now)
    password = form.get("password", "")
    user = await to_thread.run_sync(verified, state.storage(request), name, password)
    if user is None:
        log.warning("failed login for user %r from %s", name[:64], address)
        return _login(request, 401, target, WRONG)
    throttle.succeeded(keys[0], keys)
    return signed_in(request, RedirectResponse(target, 303), user)


def log_out(request: Request) -> Response:
    response = RedirectResponse("/login", 303)
    response.delete_cookie(cookies.NAME, httponly=True, samesite="lax")
    return response


def verified(store: Storage, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs; as slow for an unknown user as for a wrong password."""
    user = store.user(name)
    return user if passwords.matches(password, user.password_hash if user else None) else None


def signed_in(request: Request, response: Response, user: User) -> Response:
    """``response`` with a fresh session cookie for ``user`` (a new CSRF token, too)."""
    settings = state.settings(request)
    payload = {"uid": user.id, "pw": cookies.fingerprint(user.password_hash), "csrf": csrf.new()}
    response.set_cookie(
        cookies.NAME,
        cookies.signed(payload, settings.session_secret, state.now_ms(request)),
        max_age=settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _login(request: Request, status: int, target: str, problem: str = "") -> Response:
    return render(request, "login.html", status, next=target, problem=problem)


def _locked(request: Request, target: str, wait_s: int) -> Response:
    refused = _login(request, 429, target, f"too many failed logins: try again in {wait_s} s")
    refused.headers["Retry-After"] = str(wait_s)
    return refused


def _throttle(request: Request) -> Throttle:
    return cast(Throttle, request.app.state.throttle)


ROUTES = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", log_in, methods=["POST"]),
    Route("/logout", log_out, methods=["POST"]),
]

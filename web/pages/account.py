"""The account page: one's own API tokens (made, shown once, revoked) and password."""

from __future__ import annotations

import functools
import logging
from typing import cast

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from model.errors import AccountError
from storage import Storage, User
from web.auth import forms, passwords, principal, tokens
from web.http import state
from web.http.errors import NotFound, PasswordRefused
from web.pages import login
from web.pages.render import render

log = logging.getLogger(__name__)


def account(request: Request) -> Response:
    return _account(request, 200, changed=request.query_params.get("changed", ""))


async def create_token(request: Request) -> Response:
    form = await forms.submitted(request)
    label = form.get("name", "").strip()[:100] or "token"
    token, user = tokens.new(), _me(request)
    await to_thread.run_sync(
        state.storage(request).add_token, user.name, label, tokens.digest(token)
    )
    log.info("user %r created the API token %r", user.name, label)
    # Shown this once, in a response nothing may keep (201 renders as no-store).
    return await to_thread.run_sync(functools.partial(_account, request, 201, new_token=token))


def revoke_token(request: Request) -> Response:
    token_id, user = request.path_params["token_id"], _me(request)
    try:
        state.storage(request).revoke_token(token_id, user.name)
    except AccountError:
        raise NotFound(f"you have no API token {token_id}") from None
    log.info("user %r revoked API token %d", user.name, token_id)
    return RedirectResponse("/account", 303)


async def change_password(request: Request) -> Response:
    form = await forms.submitted(request)
    current, new, again = (form.get(key, "") for key in ("current", "new", "again"))
    problem = await to_thread.run_sync(_password_problem, _me(request), current, new, again)
    if problem:
        return await to_thread.run_sync(functools.partial(_account, request, 400, problem=problem))
    user = await to_thread.run_sync(_set_password, state.storage(request), _me(request).name, new)
    # The old session names the old password: this browser gets a new one, the rest end.
    return login.signed_in(request, RedirectResponse("/account?changed=password", 303), user)


def _password_problem(user: User, current: str, new: str, again: str) -> str:
    if not passwords.matches(current, user.password_hash):
        return "the current password is wrong"
    if new != again:
        return "the new password and its repetition differ"
    try:
        passwords.acceptable(new)
    except PasswordRefused as refused:
        return str(refused)
    return ""


def _set_password(store: Storage, name: str, password: str) -> User:
    store.set_password(name, passwords.hashed(password))
    return cast(User, store.user(name))


def _me(request: Request) -> User:
    user = principal.of(request).user
    assert user is not None  # the policy lets only signed-in users reach the account pages
    return user


def _account(
    request: Request, status: int, *, new_token: str = "", problem: str = "", changed: str = ""
) -> Response:
    user = _me(request)
    mine = state.storage(request).tokens(user.name)
    context = {"new_token": new_token, "problem": problem, "changed": changed}
    return render(request, "account.html", status, user=user, tokens=mine, **context)


ROUTES = [
    Route("/account", account),
    Route("/account/tokens", create_token, methods=["POST"]),
    Route("/account/tokens/{token_id:int}/revoke", revoke_token, methods=["POST"]),
    Route("/account/password", change_password, methods=["POST"]),
]

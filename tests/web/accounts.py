"""Users, tokens and sessions made through the real code paths, for the access tests."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from model import tokens
from storage import Role, Storage, User
from web.auth import passwords

PASSWORD = "correct horse battery"
# The cheapest bcrypt cost: the tests check behaviour, not the cost factor.
ROUNDS = 4


def add_user(store: Storage, name: str, role: Role = "viewer", password: str = PASSWORD) -> User:
    return store.add_user(name, role, passwords.hashed(password, rounds=ROUNDS))


def bearer(store: Storage, user: str) -> dict[str, str]:
    """Headers with a new API token of ``user``."""
    token = tokens.new()
    store.add_token(user, "test", tokens.digest(token))
    return {"Authorization": f"Bearer {token}"}


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in through the form; return the session's CSRF token."""
    response = client.post("/login", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return csrf_token(client)


def csrf_token(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account").text)
    assert found is not None
    return found.group(1)

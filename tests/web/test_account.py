"""The account page: personal API tokens made, shown once, revoked; CSRF on every form."""

from __future__ import annotations

import logging
import re

import pytest
from starlette.testclient import TestClient

from model import tokens
from storage import Storage
from tests.web.accounts import add_user, bearer, log_in


@pytest.fixture
def ann(app_client: TestClient, empty_store: Storage) -> str:
    """ann, an admin, signed in on ``app_client``; the session's CSRF token."""
    add_user(empty_store, "ann", "admin")
    return log_in(app_client, "ann")


def new_token(client: TestClient, csrf: str, name: str = "grafana") -> str:
    page = client.post("/account/tokens", data={"name": name, "csrf_token": csrf})
    assert page.status_code == 201, page.text
    found = re.search(r'data-role="new-token">([^<]+)<', page.text)
    assert found is not None
    return found.group(1)


def test_a_new_token_is_shown_once_in_a_response_nothing_keeps(
    app_client: TestClient, ann: str
) -> None:
    response = app_client.post("/account/tokens", data={"name": "grafana", "csrf_token": ann})

    assert response.headers["cache-control"] == "no-store"
    assert 'data-role="new-token">hw_' in response.text
    assert "new-token" not in app_client.get("/account").text


def test_a_token_made_on_the_account_page_reads_the_api(app_client: TestClient, ann: str) -> None:
    token = new_token(app_client, ann)
    app_client.cookies.clear()

    me = app_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()

    assert me == {"user": "ann", "role": "admin", "authenticated_by": "token"}


def test_the_account_page_lists_tokens_by_name_only(
    app_client: TestClient, ann: str, empty_store: Storage
) -> None:
    token = new_token(app_client, ann, "grafana")
    page = app_client.get("/account").text

    assert "<td>grafana</td>" in page
    assert token not in page
    assert [t.name for t in empty_store.tokens("ann")] == ["grafana"]


def test_revoking_on_the_account_page_stops_the_token_at_once(
    app_client: TestClient, ann: str, empty_store: Storage
) -> None:
    headers = {"Authorization": f"Bearer {new_token(app_client, ann)}"}
    token_id = empty_store.tokens("ann")[0].id

    revoked = app_client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": ann})

    assert revoked.status_code == 200
    assert app_client.get("/api/v1/servers", headers=headers).status_code == 401


def test_nobody_revokes_another_users_token(
    app_client: TestClient, ann: str, empty_store: Storage
) -> None:
    add_user(empty_store, "bob")
    headers = bearer(empty_store, "bob")
    bobs = empty_store.tokens("bob")[0].id

    response = app_client.post(f"/account/tokens/{bobs}/revoke", data={"csrf_token": ann})

    assert response.status_code == 404
    assert app_client.get("/api/v1/servers", headers=headers).status_code == 200


def test_a_form_post_without_the_csrf_token_is_refused(
    app_client: TestClient, ann: str, empty_store: Storage
) -> None:
    response = app_client.post("/account/tokens", data={"name": "forged"})

    assert response.status_code == 403
    assert "CSRF token is missing or stale" in response.text
    assert empty_store.tokens("ann") == []


def test_a_form_post_with_another_sessions_csrf_token_is_refused(
    app_client: TestClient, ann: str
) -> None:
    response = app_client.post("/account/tokens", data={"csrf_token": "x" * 43})

    assert response.status_code == 403


def test_a_cookie_request_may_send_the_csrf_token_as_a_header(
    app_client: TestClient, ann: str
) -> None:
    response = app_client.post("/account/tokens", headers={"X-CSRF-Token": ann})

    assert response.status_code == 201


def test_a_bearer_token_needs_no_csrf_token(app_client: TestClient, empty_store: Storage) -> None:
    add_user(empty_store, "root", "admin")

    response = app_client.post("/account/tokens", headers=bearer(empty_store, "root"))

    assert response.status_code == 201


def test_logging_out_without_the_csrf_token_is_refused(app_client: TestClient, ann: str) -> None:
    assert app_client.post("/logout").status_code == 403
    assert app_client.get("/api/v1/me").json()["user"] == "ann"


def test_tokens_are_stored_only_as_their_digest(
    app_client: TestClient, ann: str, empty_store: Storage
) -> None:
    token = new_token(app_client, ann)

    assert empty_store.token_owner(tokens.digest(token)) is not None
    assert empty_store.token_owner(token) is None


def test_tokens_never_reach_the_log(
    app_client: TestClient, ann: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = new_token(app_client, ann)
    app_client.get("/api/v1/servers", headers={"Authorization": f"Bearer {token}"})

    assert "created the API token 'grafana'" in caplog.text
    assert token not in caplog.text


def test_every_page_of_a_session_has_a_logout_form_with_its_csrf_token(
    app_client: TestClient, ann: str
) -> None:
    page = app_client.get("/").text

    assert '<form class="session" method="post" action="/logout">' in page
    assert f'<input type="hidden" name="csrf_token" value="{ann}">' in page

"""Logging in and out through the form: the session cookie, where it leads, throttling."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.storage.builders import NOW
from tests.web.accounts import PASSWORD, add_user, csrf_token, log_in
from tests.web.conftest import SETTINGS
from web.app import create_app
from web.auth import cookies, passwords

FORM = {"username": "ann", "password": PASSWORD}


@pytest.fixture
def ann(empty_store: Storage) -> Storage:
    add_user(empty_store, "ann")
    return empty_store


@pytest.fixture
def clock() -> list[int]:
    """The app's clock, in unix ms, that a test moves on."""
    return [NOW]


@pytest.fixture
def timed(ann: Storage, clock: list[int]) -> Iterator[TestClient]:
    settings = dataclasses.replace(SETTINGS, clock=lambda: clock[0], session_max_age_s=3600)
    with TestClient(create_app(ann, settings)) as client:
        yield client


def attempt(client: TestClient, name: str = "ann", password: str = PASSWORD) -> int:
    form = {"username": name, "password": password}
    return client.post("/login", data=form, follow_redirects=False).status_code


def test_the_login_page_is_a_form_without_inline_script(app_client: TestClient) -> None:
    page = app_client.get("/login").text

    assert '<form class="stacked" method="post" action="/login">' in page
    assert page.count("<script") == page.count('<script src="/static/') == 2  # theme, live


def test_logging_in_sets_an_httponly_samesite_session_cookie(
    app_client: TestClient, ann: Storage
) -> None:
    response = app_client.post("/login", data=FORM, follow_redirects=False)
    cookie = response.headers["set-cookie"]

    assert response.status_code == 303
    assert cookie.startswith(f"{cookies.NAME}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Max-Age=43200" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(ann: Storage) -> None:
    with TestClient(create_app(ann, SETTINGS), base_url="https://testserver") as client:
        response = client.post("/login", data=FORM, follow_redirects=False)

    assert "; Secure" in response.headers["set-cookie"]


def test_a_session_reads_pages_and_api(app_client: TestClient, ann: Storage) -> None:
    log_in(app_client, "ann")

    assert app_client.get("/").status_code == 200
    assert app_client.get("/api/v1/me").json()["authenticated_by"] == "session"


def test_logging_in_leads_to_the_page_asked_for(app_client: TestClient, ann: Storage) -> None:
    form = {**FORM, "next": "/servers/web1:9100?job=node"}
    response = app_client.post("/login", data=form, follow_redirects=False)

    assert response.headers["location"] == "/servers/web1:9100?job=node"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
     "evil.example", "/\nLocation: https://evil.example"],
)  # fmt: skip
def test_logging_in_never_leads_off_site(app_client: TestClient, ann: Storage, target: str) -> None:
    response = app_client.post("/login", data={**FORM, "next": target}, follow_redirects=False)

    assert response.headers["location"] == "/"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    app_client: TestClient, ann: Storage
) -> None:
    wrong = app_client.post("/login", data={**FORM, "password": "not it at all"})
    unknown = app_client.post("/login", data={**FORM, "username": "nobody"})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.text == unknown.text
    assert "wrong user name or password" in wrong.text
    assert "set-cookie" not in wrong.headers


def test_five_failures_lock_the_user_name_with_429_and_retry_after(
    app_client: TestClient, ann: Storage
) -> None:
    assert [attempt(app_client, password="guess") for _ in range(5)] == [401] * 5

    response = app_client.post("/login", data=FORM)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "15"
    assert "too many failed logins: try again in 15 s" in response.text


def test_five_failures_from_one_address_lock_it_for_every_user_name(
    app_client: TestClient, ann: Storage
) -> None:
    for name in ("a", "b", "c", "d", "e"):
        attempt(app_client, name)

    assert attempt(app_client) == 429


def test_each_further_failure_doubles_the_lock(timed: TestClient, clock: list[int]) -> None:
    for _ in range(5):
        attempt(timed, password="guess")
    clock[0] += 15_000
    assert attempt(timed, password="guess") == 401

    response = timed.post("/login", data=FORM)

    assert (response.status_code, response.headers["retry-after"]) == (429, "30")


def test_the_right_password_works_once_the_lock_ends(timed: TestClient, clock: list[int]) -> None:
    for _ in range(5):
        attempt(timed, password="guess")
    clock[0] += 15_000

    assert attempt(timed) == 303


def test_a_success_gives_the_user_name_all_its_tries_again(ann: Storage) -> None:
    app = create_app(ann, SETTINGS)
    with TestClient(app) as here, TestClient(app, client=("10.0.0.2", 40000)) as there:
        for _ in range(4):
            attempt(here, password="guess")
        assert attempt(here) == 303

        assert [attempt(there, password="guess") for _ in range(5)] == [401] * 5


def test_a_success_does_not_clear_the_failures_of_the_address(
    app_client: TestClient, ann: Storage
) -> None:
    add_user(ann, "bob")
    for _ in range(4):
        attempt(app_client, "bob", password="guess")
    assert attempt(app_client) == 303

    assert [attempt(app_client, "bob", password="guess") for _ in range(2)] == [401, 429]


def test_logging_out_ends_the_session(app_client: TestClient, ann: Storage) -> None:
    token = log_in(app_client, "ann")

    response = app_client.post("/logout", data={"csrf_token": token}, follow_redirects=False)

    assert response.headers["location"] == "/login"
    assert app_client.get("/api/v1/servers").status_code == 401


def test_a_session_ends_after_its_max_age(timed: TestClient, clock: list[int]) -> None:
    log_in(timed, "ann")
    clock[0] += 3_600_000
    assert timed.get("/api/v1/servers").status_code == 200

    clock[0] += 1_000

    assert timed.get("/api/v1/servers").status_code == 401


def test_a_cookie_signed_with_another_secret_is_ignored(
    app_client: TestClient, ann: Storage
) -> None:
    user = ann.user("ann")
    assert user is not None
    payload = {"uid": user.id, "pw": cookies.fingerprint(user.password_hash), "csrf": "x"}
    app_client.cookies.set(cookies.NAME, cookies.signed(payload, b"guessed" * 8, NOW))

    assert app_client.get("/api/v1/servers").status_code == 401


def test_a_new_password_ends_every_session(app_client: TestClient, ann: Storage) -> None:
    log_in(app_client, "ann")

    ann.set_password("ann", passwords.hashed("another password", rounds=4))

    assert app_client.get("/api/v1/servers").status_code == 401


def test_changing_ones_password_keeps_this_session_and_ends_the_others(ann: Storage) -> None:
    app = create_app(ann, SETTINGS)
    with TestClient(app) as here, TestClient(app) as elsewhere:
        token = log_in(here, "ann")
        log_in(elsewhere, "ann")
        form = {"current": PASSWORD, "new": "a new secret", "again": "a new secret"}
        changed = here.post("/account/password", data={**form, "csrf_token": token})

        assert "Password changed" in changed.text
        assert elsewhere.get("/api/v1/servers").status_code == 401
    assert attempt(TestClient(app), password="a new secret") == 303


def test_a_password_change_needs_the_current_password(app_client: TestClient, ann: Storage) -> None:
    token = log_in(app_client, "ann")
    form = {"current": "wrong", "new": "a new secret", "again": "a new secret", "csrf_token": token}

    response = app_client.post("/account/password", data=form)

    assert response.status_code == 400
    assert "the current password is wrong" in response.text


def test_passwords_never_reach_the_log_or_a_response(
    app_client: TestClient, ann: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = app_client.post("/login", data={**FORM, "password": "Wrong-Secret-42"})
    right = app_client.post("/login", data=FORM)
    account = app_client.get("/account")

    for secret in (PASSWORD, "Wrong-Secret-42"):
        assert secret not in caplog.text
        assert all(secret not in r.text for r in (wrong, right, account))
    assert "failed login for user 'ann'" in caplog.text


def test_the_csrf_token_differs_between_sessions(ann: Storage) -> None:
    app = create_app(ann, SETTINGS)
    with TestClient(app) as one, TestClient(app) as two:
        assert log_in(one, "ann") != log_in(two, "ann")


def test_the_account_page_shows_the_csrf_field_to_its_session(
    app_client: TestClient, ann: Storage
) -> None:
    log_in(app_client, "ann")

    assert csrf_token(app_client) == csrf_token(app_client)


def test_an_unknown_user_costs_a_bcrypt_check_of_the_same_cost_as_a_real_one() -> None:
    assert passwords.STAND_IN.startswith(f"$2b${passwords.ROUNDS}$")
    assert not passwords.matches("", None)


def test_once_a_user_exists_the_login_page_no_longer_says_none_does(
    app_client: TestClient, ann: Storage
) -> None:
    assert 'data-role="no-users"' not in app_client.get("/login").text

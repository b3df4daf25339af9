"""The access policy on every route of the app, found by walking its routes: a route added
later is checked without being named here. Reading needs viewer, changing needs admin."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from storage import Storage
from tests.storage.builders import NOW
from tests.storage.conftest import BACKENDS
from tests.web.accounts import add_user, bearer, log_in
from tests.web.conftest import SETTINGS, own_database
from web.app import create_app
from web.auth import policy
from web.auth.policy import Need
from web.http import responses


def probe(request: Request) -> Response:
    return PlainTextResponse("changed")


# Routes no rule names, standing for the changes later features add (alerts, silences).
PROBES = [
    Route("/api/v1/probe", probe, methods=["POST", "PUT", "PATCH", "DELETE"]),
    Route("/probe", probe, methods=["POST"]),
]


def probed_app(store: Storage) -> Starlette:
    app = create_app(store, SETTINGS)
    app.router.routes.extend(PROBES)
    return app


def app_routes() -> list[BaseRoute]:
    with Storage.open("sqlite://") as unused:  # the app only needs a store to be made
        return probed_app(unused).routes


def operations() -> list[tuple[str, str, Need]]:
    """(method, url, need) of every route of the app; path parameters read "1"."""
    return [
        (method, route.path_format.format(**dict.fromkeys(route.param_convertors, "1")), need)
        for route in app_routes()
        if isinstance(route, Route)
        for method in sorted(route.methods or ())
        if (need := policy.RULES.get(route.path, policy.DEFAULT).need(method)) is not Need.ANYONE
    ]


OPERATIONS = operations()
IDS = [f"{m} {u}" for m, u, _ in OPERATIONS]
WRITES = [(m, u) for m, u, _ in OPERATIONS if m not in policy.SAFE_METHODS]
CHANGES = [(m, u) for m, u, need in OPERATIONS if need is Need.ADMIN]
READS = [(m, u) for m, u, need in OPERATIONS if need is Need.VIEWER]


@dataclass
class Guarded:
    """An app with users: "ann" the viewer (token and session), "root" the admin and "wes"
    the writer (a remote write sender)."""

    client: TestClient
    viewer: dict[str, str]
    admin: dict[str, str]
    viewer_session: TestClient
    viewer_csrf: str
    writer: dict[str, str]


@pytest.fixture(scope="module", params=BACKENDS)
def guarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Guarded]:
    with own_database(request.param, tmp_path_factory.mktemp("access")) as url:
        store = Storage.open(url, clock=lambda: NOW)
        store.upgrade()
        add_user(store, "ann")
        add_user(store, "root", "admin")
        add_user(store, "wes", "writer")
        app = probed_app(store)
        with TestClient(app) as client, TestClient(app) as session:
            viewer, admin, writer = (bearer(store, name) for name in ("ann", "root", "wes"))
            yield Guarded(client, viewer, admin, session, log_in(session, "ann"), writer)
        store.close()


@pytest.mark.parametrize(("method", "url", "need"), OPERATIONS, ids=IDS)
def test_without_credentials_every_route_answers_401_or_sends_to_login(
    guarded: Guarded, method: str, url: str, need: Need
) -> None:
    response = guarded.client.request(method, url, follow_redirects=False)

    if responses.is_api(url):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert method == "HEAD" or response.json()["error"] == "unauthorized"
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


@pytest.mark.parametrize(("method", "url"), CHANGES, ids=[f"{m} {u}" for m, u in CHANGES])
def test_a_viewers_token_may_change_nothing(guarded: Guarded, method: str, url: str) -> None:
    response = guarded.client.request(method, url, headers=guarded.viewer)

    assert response.status_code == 403
    assert "this needs the admin role; ann has the viewer role" in response.text


@pytest.mark.parametrize(("method", "url"), CHANGES, ids=[f"{m} {u}" for m, u in CHANGES])
def test_a_viewers_session_may_change_nothing(guarded: Guarded, method: str, url: str) -> None:
    headers = {"X-CSRF-Token": guarded.viewer_csrf}
    response = guarded.viewer_session.request(method, url, headers=headers)

    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url"), READS, ids=[f"{m} {u}" for m, u in READS])
def test_a_writers_token_reads_nothing(guarded: Guarded, method: str, url: str) -> None:
    response = guarded.client.request(method, url, headers=guarded.writer)

    assert response.status_code == 403
    assert (
        method == "HEAD" or "this needs the viewer role; wes has the writer role" in response.text
    )


@pytest.mark.parametrize(("method", "url"), CHANGES, ids=[f"{m} {u}" for m, u in CHANGES])
def test_a_writers_token_may_change_nothing(guarded: Guarded, method: str, url: str) -> None:
    response = guarded.client.request(method, url, headers=guarded.writer)

    assert response.status_code == 403
    assert "this needs the admin role; wes has the writer role" in response.text


def test_a_writer_sees_its_own_account(guarded: Guarded) -> None:
    response = guarded.client.get("/account", headers=guarded.writer)

    assert response.status_code == 200
    assert "wes" in response.text


@pytest.mark.parametrize(("method", "url"), WRITES, ids=[f"{m} {u}" for m, u in WRITES])
def test_an_admin_may_change_anything(guarded: Guarded, method: str, url: str) -> None:
    response = guarded.client.request(method, url, headers=guarded.admin, follow_redirects=False)

    assert response.status_code not in (401, 403), response.text


def test_a_viewer_reads_the_api_and_the_pages(guarded: Guarded) -> None:
    for url in ("/", "/api", "/api/v1/servers", "/account"):
        assert guarded.client.get(url, headers=guarded.viewer).status_code == 200, url


@pytest.mark.parametrize(
    "url", ["/health", "/login", "/static/style.css", "/static/live.js", "/favicon.ico"]
)
def test_liveness_login_and_assets_need_no_credentials(guarded: Guarded, url: str) -> None:
    assert guarded.client.get(url).status_code == 200


def test_a_page_sends_to_login_with_the_page_to_come_back_to(guarded: Guarded) -> None:
    response = guarded.client.get("/servers/web1:9100?job=node", follow_redirects=False)

    assert response.headers["location"] == "/login?next=%2Fservers%2Fweb1%3A9100%3Fjob%3Dnode"


def test_a_token_acts_with_its_users_role(guarded: Guarded) -> None:
    me = guarded.client.get("/api/v1/me", headers=guarded.viewer).json()

    assert me == {"user": "ann", "role": "viewer", "authenticated_by": "token"}


def test_a_mistyped_token_is_refused_as_invalid(guarded: Guarded) -> None:
    response = guarded.client.get("/api/v1/servers", headers={"Authorization": "Bearer hw_nope"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["detail"] == "the token is not valid (revoked, or mistyped)"


def test_another_authorization_scheme_is_refused(guarded: Guarded) -> None:
    response = guarded.client.get("/api/v1/servers", headers={"Authorization": "Basic YTpi"})

    assert response.status_code == 401


def test_with_no_user_on_loopback_anyone_may_read(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").json() == {
        "user": None,
        "role": "viewer",
        "authenticated_by": "nobody",
    }


def test_with_no_user_on_loopback_nobody_may_change_anything(client: TestClient) -> None:
    response = client.post("/api/v1/servers")

    assert response.status_code == 401
    assert response.json()["detail"] == (
        "no user exists yet: create one with hostwatch-web user add NAME --role admin"
    )


def test_even_open_reading_refuses_a_bad_token(client: TestClient) -> None:
    response = client.get("/api/v1/servers", headers={"Authorization": "Bearer hw_nope"})

    assert response.status_code == 401


def test_once_a_user_exists_loopback_needs_login_too(
    app_client: TestClient, empty_store: Storage
) -> None:
    assert app_client.get("/api/v1/servers").status_code == 200
    add_user(empty_store, "ann")

    assert app_client.get("/api/v1/servers").status_code == 401
    assert app_client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_off_loopback_reading_needs_login_even_without_users(empty_store: Storage) -> None:
    closed = dataclasses.replace(SETTINGS, open_without_users=False)
    with TestClient(create_app(empty_store, closed)) as client:
        assert client.get("/api/v1/servers").status_code == 401


def test_a_revoked_token_stops_working_at_once(
    app_client: TestClient, empty_store: Storage
) -> None:
    add_user(empty_store, "ann")
    headers = bearer(empty_store, "ann")
    assert app_client.get("/api/v1/servers", headers=headers).status_code == 200

    empty_store.revoke_token(empty_store.tokens("ann")[0].id)

    assert app_client.get("/api/v1/servers", headers=headers).status_code == 401


def test_a_removed_users_tokens_stop_working(app_client: TestClient, empty_store: Storage) -> None:
    add_user(empty_store, "ann")
    add_user(empty_store, "bob")
    headers = bearer(empty_store, "ann")

    empty_store.remove_user("ann")

    assert app_client.get("/api/v1/servers", headers=headers).status_code == 401


def test_every_rule_names_a_route_of_the_app() -> None:
    assert set(policy.RULES) <= {getattr(route, "path", "") for route in app_routes()}


def test_a_websocket_is_closed_unheard(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/api/v1/stream"):
        pass

    assert closed.value.code == 1008

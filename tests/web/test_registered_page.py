"""/fleet/servers: the "Add server" form, the edit and remove forms, behind admin and CSRF."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from storage import Storage, TargetSource
from tests.web.accounts import add_user, log_in
from tests.web.conftest import SETTINGS
from tests.web.test_alert_pages import post
from web.app import create_app

FORM = {"address": "10.0.0.7:9100", "job": "node", "scheme": "http", "scrape_interval": "30s"}


@pytest.fixture
def admin(empty_store: Storage) -> Iterator[TestClient]:
    add_user(empty_store, "root", "admin")
    add_user(empty_store, "watcher", "viewer")
    with TestClient(create_app(empty_store, SETTINGS)) as client:
        client.cookies.set("csrf", log_in(client, "root"))
        yield client


def test_the_add_form_registers_the_server_and_shows_its_first_scrape_box(
    admin: TestClient, empty_store: Storage
) -> None:
    response = post(admin, "/fleet/servers", {**FORM, "labels": "env=prod\nrack = r4\n"})

    assert (response.status_code, response.headers["location"]) == (
        303,
        "/fleet/servers?added=10.0.0.7:9100",
    )
    (server,) = empty_store.registered_servers()
    assert (server.labels, server.scrape_interval_s) == ((("env", "prod"), ("rack", "r4")), 30.0)
    page = admin.get(response.headers["location"]).text
    assert 'id="first-scrape" data-address="10.0.0.7:9100" data-job="node"' in page
    assert "--listen 0.0.0.0:9100" in page


def test_a_bad_add_form_answers_400_naming_the_field(
    admin: TestClient, empty_store: Storage
) -> None:
    response = post(admin, "/fleet/servers", {**FORM, "labels": "env prod"})

    assert response.status_code == 400
    assert "labels: expected name=value on each line, got &#39;env prod&#39;" in response.text
    assert empty_store.registered_servers() == []


def test_the_add_form_refuses_an_address_a_file_scrapes_naming_the_file(
    admin: TestClient, empty_store: Storage
) -> None:
    filed = TargetSource("0/1", "node", "10.0.0.7:9100", "10.0.0.7:9100", "file_sd", "/sd/a.json")
    empty_store.report_sources("0/1", [filed])

    response = post(admin, "/fleet/servers", FORM)

    assert response.status_code == 409
    assert "already scraped by job node from /sd/a.json (file_sd)" in response.text


def test_the_edit_form_changes_labels_interval_and_pauses(
    admin: TestClient, empty_store: Storage
) -> None:
    post(admin, "/fleet/servers", FORM)
    change = {"labels": "env=lab", "scrape_interval": "5m", "paused": "on"}

    response = post(admin, "/fleet/servers/10.0.0.7:9100/edit", change)

    assert response.status_code == 303
    (server,) = empty_store.registered_servers()
    assert (server.labels, server.scrape_interval_s, server.paused) == (
        (("env", "lab"),),
        300.0,
        True,
    )


def test_an_unticked_paused_box_resumes_the_server(admin: TestClient, empty_store: Storage) -> None:
    post(admin, "/fleet/servers", {**FORM, "paused": "on"})

    post(admin, "/fleet/servers/10.0.0.7:9100/edit", {"labels": "", "scrape_interval": "30s"})

    assert not empty_store.registered_servers()[0].paused


def test_the_remove_button_removes_the_server(admin: TestClient, empty_store: Storage) -> None:
    post(admin, "/fleet/servers", FORM)

    response = post(admin, "/fleet/servers/10.0.0.7:9100/remove")

    assert response.status_code == 303
    assert empty_store.registered_servers() == []
    assert "No registered servers." in admin.get("/fleet/servers").text


def test_every_form_of_the_page_carries_the_csrf_field(admin: TestClient) -> None:
    post(admin, "/fleet/servers", FORM)
    page = admin.get("/fleet/servers").text

    assert page.count('method="post"') - page.count('action="/logout"') == 3
    assert page.count('name="csrf_token"') == page.count('method="post"')


def test_a_form_post_without_the_csrf_field_is_refused(
    admin: TestClient, empty_store: Storage
) -> None:
    response = admin.post("/fleet/servers", data=FORM, follow_redirects=False)

    assert response.status_code == 403
    assert empty_store.registered_servers() == []


def test_a_viewer_sees_the_registered_servers_but_no_form(empty_store: Storage) -> None:
    add_user(empty_store, "watcher", "viewer")
    with TestClient(create_app(empty_store, SETTINGS)) as client:
        log_in(client, "watcher")
        page = client.get("/fleet/servers").text
        overview = client.get("/").text

    assert 'id="add-server"' not in page
    assert 'id="add-server-link"' not in overview

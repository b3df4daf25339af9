"""The /alerts page and its forms, the firing badge on the overview, alerts on a server page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from tests.web.accounts import add_user, log_in
from tests.web.conftest import SETTINGS, fresh_url, open_seeded
from tests.web.fleet import HOSTILE
from web.app import create_app


@pytest.fixture
def writable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """Signed in as an admin through the login form: silences are changes."""
    store = open_seeded(fresh_url("sqlite", request, tmp_path))
    add_user(store, "root", "admin")
    with TestClient(create_app(store, SETTINGS)) as test_client:
        test_client.cookies.set("csrf", log_in(test_client, "root"))
        yield test_client
    store.close()


def post(client: TestClient, url: str, form: dict[str, str] | None = None) -> Response:
    """A form post as the browser sends it: with the page's CSRF field."""
    data = {**(form or {}), "csrf_token": client.cookies.get("csrf") or ""}
    return client.post(url, data=data, follow_redirects=False)


def test_the_overview_counts_firing_alerts_and_marks_their_server(client: TestClient) -> None:
    page = client.get("/").text
    assert '<strong data-count="firing">1</strong> firing alerts' in page
    assert page.count('data-role="firing"') == 1
    # The bell is an inline SVG: an emoji is an empty box on a system without an emoji font.
    assert re.search(
        r'title="1 firing" data-role="firing"><svg class="icon"[^>]*>.*?</svg> 1</a>', page
    )
    assert "🔔" not in page


def test_a_server_page_lists_the_servers_firing_alerts(client: TestClient) -> None:
    page = client.get("/servers/db1:9100").text
    assert '<section class="server-alerts">' in page
    assert "TargetDown — TargetDown on db1:9100" in page


def test_a_server_page_shows_a_silenced_alert_as_silenced(client: TestClient) -> None:
    page = client.get("/servers/web1:9100").text
    assert (
        '<span class="badge alert silenced" data-role="alert-state">silenced</span> FilesystemFull'
        in page
    )


def test_a_server_with_only_pending_alerts_shows_no_alert_section(client: TestClient) -> None:
    response = client.get(f"/servers/{quote(HOSTILE, safe=':')}?job=probe")
    assert (response.status_code, '<section class="server-alerts">' in response.text) == (
        200,
        False,
    )


def test_the_alerts_page_shows_every_state_and_the_silence(client: TestClient) -> None:
    page = client.get("/alerts").text
    shown = [
        s for s in ("firing", "silenced", "pending", "resolved") if f'class="alert-{s}"' in page
    ]
    assert shown == ["firing", "silenced", "pending", "resolved"]
    assert "&lt;b&gt;resize&lt;/b&gt;" in page
    assert "<title>(1 firing) Alerts · hostwatch</title>" in page


def test_the_alerts_page_escapes_hostile_labels(client: TestClient) -> None:
    page = client.get("/alerts").text
    assert "<img src=x" not in page
    assert "<script>alert" not in page


def test_the_alerts_page_filters_by_state(client: TestClient) -> None:
    page = client.get("/alerts?state=pending").text
    assert ('class="alert-pending"' in page, 'class="alert-firing"' in page) == (True, False)


def test_the_silence_form_creates_a_silence_and_returns_to_the_page(writable: TestClient) -> None:
    form = {"matchers": 'instance="db1:9100"', "duration": "2h", "created_by": "ops", "comment": ""}
    response = post(writable, "/alerts/silences", form)
    assert (response.status_code, response.headers["location"]) == (303, "/alerts#silences")
    assert 'class="alert-firing"' not in writable.get("/alerts").text


def test_a_bad_silence_form_answers_400_naming_the_field(writable: TestClient) -> None:
    form = {"matchers": "instance=~(", "duration": "2h", "created_by": "ops"}
    response = post(writable, "/alerts/silences", form)
    assert response.status_code == 400
    assert "matchers: invalid regular expression" in response.text


def test_the_expire_button_ends_a_silence(writable: TestClient) -> None:
    response = post(writable, "/alerts/silences/1/expire")
    assert response.status_code == 303
    assert 'class="alert-silenced"' not in writable.get("/alerts").text


def test_every_form_carries_the_csrf_field(writable: TestClient) -> None:
    page = writable.get("/alerts").text
    # New silence, expire one; add a rule, add a receiver.
    assert page.count('method="post"') - page.count('action="/logout"') == 4
    assert page.count('name="csrf_token"') == page.count('method="post"')


def test_a_form_post_without_the_csrf_field_is_refused(writable: TestClient) -> None:
    response = writable.post("/alerts/silences/1/expire", follow_redirects=False)
    assert response.status_code == 403


def test_an_anonymous_visitor_on_loopback_with_no_user_is_told_how_to_make_one(
    client: TestClient,
) -> None:
    page = client.get("/alerts").text

    assert "Create silence" not in page
    assert "Silence…" not in page
    assert 'action="/alerts/silences/1/expire"' not in page
    assert (
        "Silencing needs an admin, and no user exists yet: create one on the server with "
        "<code>hostwatch-web user add NAME --role admin</code>, then "
        '<a href="/login?next=%2Falerts">log in</a>.'
    ) in page


def test_a_viewer_is_offered_no_silence_form_and_told_why(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    store = open_seeded(fresh_url("sqlite", request, tmp_path))
    add_user(store, "ann", "viewer")
    with TestClient(create_app(store, SETTINGS)) as client:
        log_in(client, "ann")
        page = client.get("/alerts").text
    store.close()

    assert "Create silence" not in page
    assert "Silencing needs the admin role; ann has the viewer role." in page


def test_an_admin_is_offered_the_silence_form_and_the_expire_buttons(
    writable: TestClient,
) -> None:
    page = writable.get("/alerts").text

    assert "Create silence" in page
    assert 'action="/alerts/silences/1/expire"' in page
    assert 'data-role="needs-admin"' not in page

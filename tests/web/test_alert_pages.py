"""The /alerts page and its forms, the firing badge on the overview, alerts on a server page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import SETTINGS, fresh_url, open_seeded
from tests.web.fleet import HOSTILE
from web.app import create_app


@pytest.fixture
def writable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    store = open_seeded(fresh_url("sqlite", request, tmp_path))
    with TestClient(create_app(store, SETTINGS)) as test_client:
        yield test_client
    store.close()


def test_the_overview_counts_firing_alerts_and_marks_their_server(client: TestClient) -> None:
    page = client.get("/").text
    assert '<strong data-count="firing">1</strong> firing alerts' in page
    assert page.count('data-role="firing"') == 1
    assert 'title="1 firing" data-role="firing">🔔 1</a>' in page


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
    response = writable.post("/alerts/silences", data=form, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/alerts#silences")
    assert 'class="alert-firing"' not in writable.get("/alerts").text


def test_a_bad_silence_form_answers_400_naming_the_field(writable: TestClient) -> None:
    form = {"matchers": "instance=~(", "duration": "2h", "created_by": "ops"}
    response = writable.post("/alerts/silences", data=form)
    assert response.status_code == 400
    assert "matchers: invalid regular expression" in response.text


def test_the_expire_button_ends_a_silence(writable: TestClient) -> None:
    response = writable.post("/alerts/silences/1/expire", follow_redirects=False)
    assert response.status_code == 303
    assert 'class="alert-silenced"' not in writable.get("/alerts").text


def test_every_form_has_a_place_for_the_csrf_field() -> None:
    template = (Path(__file__).parents[2] / "web" / "templates" / "alerts.html").read_text()
    assert template.count('method="post"') == template.count("{# csrf #}") == 2

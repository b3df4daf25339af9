"""Rules and receivers created over the API, end to end: a real scraper checks each with the
code that reads alerts.yml and picks the accepted ones up on its alerting tick, without a
restart; a rule posted fires on real scraped samples and notifies a receiver posted (a real
HTTP server); secrets are write-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.alerts.receivers import Hook, webhook_server
from tests.alerts.services import Service, service_server
from tests.alerts.test_end_to_end import ALERTS
from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS
from tests.web.scraping import STARTED_WITHIN_S, Exporter, scraper, within
from tests.web.test_openapi_schemas import validate
from web.app import create_app

pytestmark = pytest.mark.slow
SECRET_PATH = "/services/T000/B000/XXXXSECRET"


@pytest.fixture
def hook() -> Iterator[Hook]:
    with webhook_server() as running:
        yield running


@pytest.fixture
def slack() -> Iterator[Service]:
    with service_server() as running:
        running.answers("slack")
        yield running


@pytest.fixture
def admin(tmp_path: Path, scraped_database: str, hook: Hook) -> Iterator[TestClient]:
    """An admin's client of the web app, a real scraper running on the same database."""
    store = Storage.open(scraped_database)
    store.upgrade()
    add_user(store, "root", "admin")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "alerts.yml").write_text(ALERTS.format(url=f"{hook.url}/ops"))
    app = create_app(store, SETTINGS)
    with scraper(tmp_path, scraped_database), TestClient(app, headers=bearer(store, "root")) as c:
        assert within(STARTED_WITHIN_S, lambda: bool(store.alerting_reports()))
        yield c
    store.close()


def slack_receiver(slack: Service, channel: str = "#ops") -> dict[str, object]:
    return {
        "name": "chat",
        "slack_configs": [{"api_url": slack.url + SECRET_PATH, "channel": channel}],
    }


def test_a_posted_receiver_is_stored_with_its_secret_shown_only_as_set(
    admin: TestClient, slack: Service
) -> None:
    created = admin.post("/api/v1/receivers", json=slack_receiver(slack))
    listed = admin.get("/api/v1/receivers")

    assert created.status_code == 201
    assert created.json() == {
        "name": "chat",
        "source": "browser",
        "block": {"name": "chat", "slack_configs": [{"api_url": "set", "channel": "#ops"}]},
    }
    assert {(r["name"], r["source"]) for r in listed.json()["receivers"]} >= {
        ("ops", "alerts.yml"),
        ("chat", "browser"),
    }
    assert "XXXXSECRET" not in created.text + listed.text
    validate("/api/v1/receivers", "post", 201, created.json())
    validate("/api/v1/receivers", "get", 200, listed.json())


def test_a_rule_alerts_yml_would_refuse_is_refused_400_in_the_same_words(
    admin: TestClient,
) -> None:
    rule = {"alert": "Hot", "metric": "demo temperature", "threshold": 20}

    answer = admin.post("/api/v1/rules", json=rule)

    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("metric: expected a metric name")
    assert admin.get("/api/v1/rules").json()["rules"][-1]["name"] != "Hot"


def test_a_receiver_named_as_in_alerts_yml_is_refused_409_naming_the_file(
    admin: TestClient,
) -> None:
    answer = admin.post("/api/v1/receivers", json={"name": "ops"})

    assert answer.status_code == 409
    validate("/api/v1/receivers", "post", 409, answer.json())
    assert answer.json() == {
        "error": "conflict",
        "detail": 'receiver "ops" is already defined in config/alerts.yml: edit it there',
    }


def test_a_receiver_changed_with_its_secret_left_blank_still_sends_to_the_stored_url(
    admin: TestClient, slack: Service
) -> None:
    assert admin.post("/api/v1/receivers", json=slack_receiver(slack)).status_code == 201
    change = {"slack_configs": [{"api_url": "", "channel": "#alerts"}]}

    changed = admin.patch("/api/v1/receivers/chat", json=change)
    tested = admin.post("/api/v1/receivers/chat/test")

    assert changed.json()["block"]["slack_configs"] == [{"api_url": "set", "channel": "#alerts"}]
    validate("/api/v1/receivers/{name}", "patch", 200, changed.json())
    assert tested.json()["results"][0]["detail"] == "HTTP 200"
    assert [(r.path, r.body["channel"]) for r in slack.received] == [(SECRET_PATH, "#alerts")]


def test_a_receiver_a_rule_sends_to_is_not_deleted(admin: TestClient, slack: Service) -> None:
    admin.post("/api/v1/receivers", json=slack_receiver(slack))
    rule = {"alert": "Hot", "metric": "demo_temperature_celsius", "receiver": "chat"}
    assert admin.post("/api/v1/rules", json=rule).status_code == 201

    refused = admin.delete("/api/v1/receivers/chat")
    admin.delete("/api/v1/rules/Hot")
    deleted = admin.delete("/api/v1/receivers/chat")

    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "receiver 'chat' is named by rule Hot",
    )
    assert deleted.status_code == 200
    validate("/api/v1/receivers/{name}", "delete", 200, deleted.json())
    assert [r["source"] for r in admin.get("/api/v1/receivers").json()["receivers"]] == [
        "alerts.yml"
    ]


def test_a_posted_rule_fires_on_scraped_samples_and_notifies_the_posted_receiver(
    admin: TestClient, exporter: Exporter, hook: Hook, scraped_database: str
) -> None:
    body = {"address": exporter.address, "job": "node", "scrape_interval": "1s"}
    assert admin.post("/api/v1/servers", json=body).status_code == 201
    pager = {"name": "pager", "webhook_configs": [{"url": f"{hook.url}/pager"}]}
    assert admin.post("/api/v1/receivers", json=pager).status_code == 201
    rule = {
        "alert": "Warm",
        "metric": "demo_temperature_celsius",
        "op": ">",
        "threshold": 20,
        "receiver": "pager",
        "summary": "{{ $labels.instance }} at {{ $value }} °C",
    }
    assert admin.post("/api/v1/rules", json=rule).status_code == 201

    posted = hook.wait_for(1)[0]

    alert = posted["alerts"][0]
    assert (posted["receiver"], alert["labels"]["alertname"]) == ("pager", "Warm")
    assert alert["annotations"]["summary"] == f"{exporter.address} at 21.5 °C"
    stored = Storage.open(scraped_database)
    latest = {s.series.name: s.value for s in stored.latest("node", exporter.address)}
    stored.close()
    assert latest["demo_temperature_celsius"] == 21.5

"""The alerting in force on /alerts and "Send test notification", end to end: a real scraper
reads alerts.yml, reports it through the database and sends the test through real stand-ins
of the receivers (a webhook taking it, Discord refusing it, ntfy hanging)."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage import AlertingReport, Storage
from tests.alerts.receivers import Hook, webhook_server
from tests.alerts.services import Service, service_server
from tests.alerts.test_trials import ANSWERS
from tests.web.accounts import add_user, bearer, log_in
from tests.web.conftest import SETTINGS
from tests.web.scraping import STARTED_WITHIN_S, scraper, within
from tests.web.test_alert_pages import post
from web.app import create_app

ALERTS = """\
receivers:
  - name: ops
    webhook_configs:
      - url: {hook}
    discord_configs:
      - webhook_url: {discord}/api/webhooks/1/very-secret-token
    ntfy_configs:
      - url: {ntfy}
        topic: alerts
        timeout: 300ms
route:
  receiver: ops
rules:
  - alert: MemoryHigh
    threshold: 95
"""
pytestmark = pytest.mark.slow


@pytest.fixture
def services() -> Iterator[tuple[Hook, Service, Service]]:
    with webhook_server() as hook, service_server() as discord, service_server() as ntfy:
        discord.answer = (404, {"message": "Unknown Webhook", "code": 10015})
        ntfy.hang = True
        yield hook, discord, ntfy


@pytest.fixture
def store(scraped_database: str) -> Iterator[Storage]:
    opened = Storage.open(scraped_database)
    opened.upgrade()
    add_user(opened, "root", "admin")
    yield opened
    opened.close()


@pytest.fixture
def running(
    tmp_path: Path, scraped_database: str, store: Storage, services: tuple[Hook, Service, Service]
) -> Iterator[None]:
    hook, discord, ntfy = services
    (tmp_path / "config").mkdir()
    text = ALERTS.format(hook=hook.url, discord=discord.url, ntfy=ntfy.url)
    (tmp_path / "config" / "alerts.yml").write_text(text)
    with scraper(tmp_path, scraped_database):
        assert within(STARTED_WITHIN_S, lambda: bool(store.alerting_reports()))
        yield


def test_the_test_endpoint_reports_a_2xx_a_4xx_and_a_timeout(
    running: None, store: Storage, services: tuple[Hook, Service, Service]
) -> None:
    with TestClient(create_app(store, SETTINGS), headers=bearer(store, "root")) as client:
        answer = client.post("/api/v1/receivers/ops/test")

    assert answer.status_code == 200
    assert answer.json() == {"receiver": "ops", "results": ANSWERS}
    assert services[0].posts[0]["alerts"][0]["labels"]["alertname"] == "HostwatchTest"


def test_the_alerts_page_lists_rules_receivers_and_route_and_its_button_tests(
    running: None, store: Storage
) -> None:
    with TestClient(create_app(store, SETTINGS)) as client:
        client.cookies.set("csrf", log_in(client, "root"))
        page = client.get("/alerts").text
        tested = post(client, "/alerts/receivers/ops/test")
        report = client.get(tested.headers["location"]).text

    memory = re.search(r'<tr data-rule="MemoryHigh">.*?</tr>', page, re.S)
    assert memory is not None
    assert "memory_percent &gt; 95" in memory.group()
    assert "10m" in memory.group()
    assert "alerts.yml (over the built-in)" in memory.group()
    assert 'data-receiver="ops"' in page
    assert "Alerts go to <strong>ops</strong>" in page
    assert "very-secret-token" not in page
    assert tested.status_code == 303
    assert "✖ <code>ops/discord/1</code>: discord: HTTP 404: Unknown Webhook" in report


def test_a_test_nobody_answers_is_a_504(store: Storage) -> None:
    document = json.dumps(
        {"file": "alerts.yml", "rules": [], "route": None,
         "receivers": [{"name": "ops", "integrations": []}]}
    )  # fmt: skip
    store.report_alerting(AlertingReport("0/1", document, 0))
    quick = dataclasses.replace(SETTINGS, test_wait_s=0.5)
    with TestClient(create_app(store, quick), headers=bearer(store, "root")) as client:
        answer = client.post("/api/v1/receivers/ops/test")
        unknown = client.post("/api/v1/receivers/pager/test")

    assert (answer.status_code, answer.json()["error"]) == (504, "timeout")
    assert answer.json()["detail"].startswith("no scraper answered within 0.5s")
    assert (unknown.status_code, unknown.json()["detail"]) == (
        404,
        "no receiver 'pager' (receivers: ops)",
    )

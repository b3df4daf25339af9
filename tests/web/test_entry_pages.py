"""/alerts and the API for rules and receivers created in the browser, as the web app alone
sees them (the rows a scraper settled, its report): an admin gets edit forms holding no secret,
a viewer none, and with no scraper to check a block nothing is stored (504)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from model import clock
from storage import AlertingReport, EntryKind, Storage
from tests.web.accounts import add_user, bearer, log_in
from tests.web.conftest import SETTINGS
from web.app import create_app

SECRET = "https://hooks.slack.com/services/T1/B1/TOPSECRET"
BLOCK = {"name": "chat", "slack_configs": [{"api_url": SECRET, "channel": "#ops"}]}
SHOWN = {"name": "chat", "slack_configs": [{"api_url": "set", "channel": "#ops"}]}
RULE = {"alert": "Warm", "metric": "demo_temperature_celsius", "threshold": 20.0}
REPORT = {
    "file": "config/alerts.yml",
    "rules": [
        {"name": "Warm", "metric": "demo_temperature_celsius", "matchers": [], "op": ">",
         "threshold": 20.0, "for_s": 0.0, "severity": "warning", "source": "browser"},
    ],
    "receivers": [
        {"name": "ops", "integrations": [{"name": "ops/webhook/0", "kind": "webhook"}],
         "source": "alerts.yml"},
        {"name": "chat", "integrations": [{"name": "chat/slack/0", "kind": "slack"}],
         "source": "browser"},
    ],
    "route": None,
}  # fmt: skip
ACCEPTED = json.dumps({"ok": True, "status": 200, "detail": "accepted"})


def settled(
    store: Storage, kind: EntryKind, block: Mapping[str, object], shown: Mapping[str, object]
) -> None:
    """A block as a scraper leaves it once accepted."""
    name = str(block["alert" if kind == "rule" else "name"])
    store.propose_entry(kind, name, json.dumps(block))
    entry = store.entry(kind, name)
    assert entry is not None
    store.settle_entry(entry, ACCEPTED, (json.dumps(block), json.dumps(shown)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Storage]:
    opened = Storage.open(f"sqlite:///{tmp_path / 'hostwatch.db'}")
    opened.upgrade()
    add_user(opened, "root", "admin")
    add_user(opened, "watcher", "viewer")
    settled(opened, "receiver", BLOCK, SHOWN)
    settled(opened, "rule", {**RULE, "receiver": "chat"}, {**RULE, "receiver": "chat"})
    opened.report_alerting(AlertingReport("0", json.dumps(REPORT), clock.now_ms()))
    yield opened
    opened.close()


def signed_in(store: Storage, name: str) -> Iterator[TestClient]:
    with TestClient(create_app(store, SETTINGS)) as client:
        log_in(client, name)
        yield client


@pytest.fixture
def admin(store: Storage) -> Iterator[TestClient]:
    yield from signed_in(store, "root")


@pytest.fixture
def viewer(store: Storage) -> Iterator[TestClient]:
    yield from signed_in(store, "watcher")


def test_an_admin_edits_a_browser_receiver_in_a_form_showing_its_secret_as_set(
    admin: TestClient,
) -> None:
    page = admin.get("/alerts").text

    assert 'action="/alerts/receivers/chat"' in page
    assert "api_url: set" in page
    assert "TOPSECRET" not in page


def test_a_viewer_sees_the_browser_s_rules_and_receivers_with_their_source_and_no_form(
    viewer: TestClient,
) -> None:
    page = viewer.get("/alerts").text

    assert '<tr data-rule="Warm">' in page
    assert page.count('<td data-role="source">browser</td>') == 2
    assert 'action="/alerts/rules' not in page
    assert 'action="/alerts/receivers' not in page
    assert "changed by an admin" in page


def test_the_api_lists_file_and_browser_receivers_with_no_secret(store: Storage) -> None:
    with TestClient(create_app(store, SETTINGS), headers=bearer(store, "watcher")) as client:
        answer = client.get("/api/v1/receivers")

    assert [(r["name"], r["source"]) for r in answer.json()["receivers"]] == [
        ("ops", "alerts.yml"),
        ("chat", "browser"),
    ]
    assert answer.json()["receivers"][1]["block"] == SHOWN
    assert "TOPSECRET" not in answer.text


def test_with_no_scraper_to_check_it_a_new_rule_is_not_stored_504(store: Storage) -> None:
    settings = dataclasses.replace(SETTINGS, test_wait_s=0.5)
    with TestClient(create_app(store, settings), headers=bearer(store, "root")) as client:
        answer = client.post("/api/v1/rules", json={"alert": "Cold", "metric": "up"})

    assert answer.status_code == 504
    assert "is hostwatch-scraper running on this database?" in answer.json()["detail"]
    assert store.entry("rule", "Cold") is None

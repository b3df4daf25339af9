"""Test notifications and the alerting report, as the scraper makes them for the /alerts page:
each integration's real answer (2xx, the service's 4xx, a timeout), and no secret in the report."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import httpx
import pytest

from scraper.alerts.defaults import BUILT_IN
from scraper.alerts.model import AlertsConfig, Channel, Receiver, Route, Webhook
from scraper.alerts.summary import document
from scraper.alerts.trials import trial
from storage import NotificationTest
from tests.alerts.receivers import Hook
from tests.alerts.services import Service, service_server

pytestmark = pytest.mark.anyio
ASKED = NotificationTest(7, "ops", 0)
# The answers a test notification reports from a webhook taking it, Discord refusing it
# and ntfy hanging.
ANSWERS = [
    {"integration": "ops/webhook/0", "kind": "webhook", "ok": True, "status": 200,
     "detail": "HTTP 200"},
    {"integration": "ops/discord/1", "kind": "discord", "ok": False, "status": 404,
     "detail": "discord: HTTP 404: Unknown Webhook"},
    {"integration": "ops/ntfy/2", "kind": "ntfy", "ok": False, "status": None,
     "detail": "ntfy: timed out after 0.3s"},
]  # fmt: skip


@pytest.fixture
def discord() -> Iterator[Service]:
    with service_server() as running:
        yield running


@pytest.fixture
def hanging() -> Iterator[Service]:
    with service_server() as running:
        running.hang = True
        yield running


def configured(hook: Hook, discord: Service, hanging: Service) -> AlertsConfig:
    ops = Receiver(
        "ops",
        webhooks=(Webhook(hook.url),),
        channels=(
            Channel("discord", f"{discord.url}/api/webhooks/1/secret-token"),
            Channel("ntfy", hanging.url, recipient="alerts", timeout_s=0.3),
        ),
    )
    return AlertsConfig(path="alerts.yml", receivers=(ops,), default_route=Route("ops"))


async def test_each_integration_reports_its_real_answer(
    hook: Hook, discord: Service, hanging: Service
) -> None:
    discord.answer = (404, {"message": "Unknown Webhook", "code": 10015})

    async with httpx.AsyncClient() as client:
        results = await trial(client, configured(hook, discord, hanging), ASKED)

    assert results == ANSWERS
    assert hook.posts[0]["alerts"][0]["labels"]["alertname"] == "HostwatchTest"


async def test_an_unknown_receiver_is_answered_naming_the_known_ones(
    hook: Hook, discord: Service, hanging: Service
) -> None:
    async with httpx.AsyncClient() as client:
        asked = dataclasses.replace(ASKED, receiver="pager")
        (result,) = await trial(client, configured(hook, discord, hanging), asked)

    assert result["detail"] == "no receiver 'pager' in alerts.yml (receivers: ops)"
    assert not result["ok"]


def test_the_report_lists_rules_receivers_and_route_without_secrets(
    hook: Hook, discord: Service, hanging: Service
) -> None:
    config = dataclasses.replace(configured(hook, discord, hanging), rules=BUILT_IN)

    report = document(config)

    assert [r["source"] for r in report["rules"]] == ["built-in"] * len(BUILT_IN)
    assert report["receivers"][0]["integrations"][1] == {"name": "ops/discord/1", "kind": "discord"}
    assert report["route"]["receiver"] == "ops"
    assert "secret-token" not in json.dumps(report)

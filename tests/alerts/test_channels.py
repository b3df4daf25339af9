"""Chat and paging receivers against a local stand-in of each service: the exact request its
API documents, and its own error answers reported (and retried only when that can help)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from model.errors import NotifyError
from scraper.alerts import chat
from scraper.alerts.dispatch import Dispatcher, Notification
from scraper.alerts.model import AlertsConfig, Channel, Receiver, Route
from storage import Alert
from tests.alerts.scrapes import T0
from tests.alerts.services import Service, service_server

pytestmark = pytest.mark.anyio
EXTERNAL = "http://hostwatch.example"
LINK = "http://hostwatch.example/servers/web1:9100?job=node"
TITLE = "[FIRING:1] CpuHigh"
LINE = "[firing] CpuHigh on web1:9100, value 97.5: CPU above 90%"
CRITICAL = (("severity", "critical"),)
CPU = Alert(
    "5c1d",
    "CpuHigh",
    (
        ("alertname", "CpuHigh"),
        ("instance", "web1:9100"),
        ("job", "node"),
        ("severity", "critical"),
    ),
    (("summary", "CPU above 90%"),),
    "firing",
    97.5,
    T0,
    T0,
)


@pytest.fixture
def service() -> Iterator[Service]:
    with service_server() as running:
        yield running


def channel(service: Service, kind: str) -> Channel:
    """Each service as alerts.yml would set it up, pointed at the stand-in."""
    made = {
        "slack": Channel("slack", f"{service.url}/services/T0/x", options=(("channel", "#ops"),)),
        "discord": Channel("discord", f"{service.url}/api/webhooks/1/abc"),
        "msteams": Channel("msteams", f"{service.url}/webhookb2/x"),
        "telegram": Channel("telegram", service.url, "123:ABC", "-100123"),
        "pagerduty": Channel("pagerduty", f"{service.url}/v2/enqueue", "k" * 32),
        "opsgenie": Channel("opsgenie", f"{service.url}/", "genie-key"),
        "pushover": Channel("pushover", f"{service.url}/1/messages.json", "app-token", "user-key"),
        "ntfy": Channel("ntfy", service.url, "tk_secret", "alerts"),
        "gotify": Channel("gotify", service.url, "app-token"),
    }
    return made[kind]


def notified(target: Channel, alert: Alert = CPU) -> Notification:
    receiver = Receiver("chat", channels=(target,))
    config = AlertsConfig(receivers=(receiver,), default_route=Route("chat", group_wait_s=0))
    (due,) = Dispatcher(config).due([alert], T0)
    return due


def resolved(target: Channel) -> Notification:
    """The notification of a group told firing before, whose alert has resolved since."""
    gone = dataclasses.replace(CPU, state="resolved", resolved_ms=T0 + 60_000)
    return dataclasses.replace(notified(target), alerts=(gone,))


def dedup(notification: Notification) -> str:
    return hashlib.sha256(notification.group_key.encode()).hexdigest()[:40]


async def send(target: Channel, notification: Notification) -> int:
    async with httpx.AsyncClient() as client:
        return await chat.send(client, target, notification, EXTERNAL)


def expected(kind: str, notification: Notification) -> tuple[str, Any]:
    """The path and body each service's API documents for this alert."""
    bodies: dict[str, tuple[str, Any]] = {
        "slack": ("/services/T0/x", {
            "channel": "#ops", "text": TITLE,
            "attachments": [{"title": TITLE, "title_link": LINK, "text": LINE,
                             "fallback": TITLE, "color": "danger"}]}),
        "discord": ("/api/webhooks/1/abc", {
            "embeds": [{"title": TITLE, "url": LINK, "description": LINE, "color": 0xD63232}]}),
        "msteams": ("/webhookb2/x", {
            "@type": "MessageCard", "@context": "https://schema.org/extensions",
            "themeColor": "D63232", "summary": TITLE, "title": TITLE, "text": LINE,
            "potentialAction": [{"@type": "OpenUri", "name": "Open server",
                                 "targets": [{"os": "default", "uri": LINK}]}]}),
        "telegram": ("/bot123:ABC/sendMessage", {
            "chat_id": -100123, "parse_mode": "HTML", "disable_notification": False,
            "text": f'<b>{TITLE}</b>\n{LINE}\n<a href="{LINK}">server page</a>'}),
        "pagerduty": ("/v2/enqueue", {
            "routing_key": "k" * 32, "event_action": "trigger", "dedup_key": dedup(notification),
            "payload": {"summary": TITLE, "source": LINK, "severity": "critical",
                        "custom_details": {"alerts": [LINE]}},
            "client": "hostwatch", "client_url": LINK,
            "links": [{"href": LINK, "text": "server page"}]}),
        "opsgenie": ("/v2/alerts", {
            "message": TITLE, "alias": dedup(notification), "description": LINE,
            "details": {"server": LINK}, "source": "hostwatch", "priority": "P1"}),
        "pushover": ("/1/messages.json", {
            "token": "app-token", "user": "user-key", "title": TITLE, "message": LINE,
            "url": LINK, "url_title": "server page", "priority": "0"}),
        "ntfy": ("/", {
            "topic": "alerts", "title": TITLE, "message": LINE, "priority": 5,
            "tags": ["rotating_light"], "click": LINK}),
        "gotify": ("/message", {
            "title": TITLE, "message": LINE, "priority": 8,
            "extras": {"client::notification": {"click": {"url": LINK}}}}),
    }  # fmt: skip
    return bodies[kind]


KINDS = ["slack", "discord", "msteams", "telegram", "pagerduty", "opsgenie", "pushover", "ntfy",
         "gotify"]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
async def test_each_service_gets_the_request_its_api_documents(service: Service, kind: str) -> None:
    service.answers(kind)
    target = channel(service, kind)
    notification = notified(target)

    status = await send(target, notification)

    (got,) = service.received
    assert (got.path, got.body) == expected(kind, notification)
    assert status == {"discord": 204, "pagerduty": 202, "opsgenie": 202}.get(kind, 200)


@pytest.mark.parametrize(
    ("kind", "header", "value"),
    [
        ("opsgenie", "Authorization", "GenieKey genie-key"),
        ("ntfy", "Authorization", "Bearer tk_secret"),
        ("gotify", "X-Gotify-Key", "app-token"),
    ],
)
async def test_the_secret_goes_in_the_header_the_service_reads(
    service: Service, kind: str, header: str, value: str
) -> None:
    service.answers(kind)
    target = channel(service, kind)

    await send(target, notified(target))

    assert service.received[0].headers[header] == value


async def test_a_resolved_group_resolves_the_pagerduty_incident(service: Service) -> None:
    service.answers("pagerduty")
    target = channel(service, "pagerduty")
    notification = resolved(target)

    await send(target, notification)

    assert service.received[0].body == {
        "routing_key": "k" * 32,
        "event_action": "resolve",
        "dedup_key": dedup(notification),
    }


async def test_a_resolved_group_closes_the_opsgenie_alert_by_its_alias(service: Service) -> None:
    service.answers("opsgenie")
    target = channel(service, "opsgenie")
    notification = resolved(target)

    await send(target, notification)

    path = f"/v2/alerts/{dedup(notification)}/close?identifierType=alias"
    assert service.received[0].path == path
    assert service.received[0].body == {"source": "hostwatch", "note": "[RESOLVED:0] CpuHigh"}


NO_CHAT = "Bad Request: chat not found"
PD_LENGTH = "Length of 'routing_key' is incorrect (should be 32 characters)"
PUSHOVER_USER = "user identifier is not a valid user, group, or subscribed user key"
GOTIFY_TOKEN = "you need to provide a valid access token or user credentials to access this api"
# Each service's documented refusal: (status, body) and the reason reported.
REFUSALS = [
    ("slack", 403, "invalid_token", "invalid_token"),
    ("discord", 404, {"message": "Unknown Webhook", "code": 10015}, "Unknown Webhook"),
    ("msteams", 400, "Summary or Text is required.", "Summary or Text is required."),
    ("telegram", 400, {"ok": False, "error_code": 400, "description": NO_CHAT}, NO_CHAT),
    ("pagerduty", 400, {"status": "invalid event", "message": "Event object is invalid",
                        "errors": [PD_LENGTH]}, PD_LENGTH),
    ("opsgenie", 422, {"message": "Request body is not processable. Please check the errors.",
                       "errors": {"message": "Message can not be empty."}, "took": 0.0},
     "Request body is not processable. Please check the errors."),
    ("pushover", 400, {"user": "invalid", "status": 0, "request": "5042853c",
                       "errors": [PUSHOVER_USER]}, PUSHOVER_USER),
    ("ntfy", 403, {"code": 40301, "http": 403, "error": "forbidden",
                   "link": "https://ntfy.sh/docs/publish/#authentication"}, "forbidden"),
    ("gotify", 401, {"error": "Unauthorized", "errorCode": 401, "errorDescription": GOTIFY_TOKEN},
     GOTIFY_TOKEN),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "status", "answer", "reason"), REFUSALS)
async def test_a_refusal_reports_the_services_reason_and_is_not_retried(
    service: Service, kind: str, status: int, answer: Any, reason: str
) -> None:
    service.answer = (status, answer)
    target = channel(service, kind)

    with pytest.raises(NotifyError) as refused:
        await send(target, notified(target))

    assert refused.value.reason == f"{kind}: HTTP {status}: {reason}"
    assert not refused.value.retry


async def test_a_rate_limit_is_retried(service: Service) -> None:
    service.answer = (429, {"message": "You are being rate limited.", "retry_after": 0.5})
    target = channel(service, "discord")

    with pytest.raises(NotifyError) as refused:
        await send(target, notified(target))

    assert refused.value.reason == "discord: HTTP 429: You are being rate limited."
    assert refused.value.retry


async def test_a_service_that_hangs_is_given_up_after_the_timeout(service: Service) -> None:
    service.hang = True
    target = dataclasses.replace(channel(service, "ntfy"), timeout_s=0.3)

    with pytest.raises(NotifyError) as refused:
        await send(target, notified(target))

    assert refused.value.reason == "ntfy: timed out after 0.3s"
    assert refused.value.retry

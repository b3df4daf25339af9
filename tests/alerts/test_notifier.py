"""Delivery to real receivers on 127.0.0.1: the webhook gets Alertmanager's JSON, failures are
retried with backoff, a hanging receiver holds up nobody, and e-mail goes through SMTP."""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest

from scraper.alerts.dispatch import Dispatcher, Notification
from scraper.alerts.model import AlertsConfig, Delivery, Email, Receiver, Route, Webhook
from scraper.alerts.notifier import Notifier
from scraper.config import TLSConfig
from scraper.telemetry import Telemetry
from storage import Alert, NotificationEntry, Storage
from tests.alerts.receivers import Hook, Mailbox, smtp_server, webhook_server
from tests.alerts.scrapes import T0
from tests.exporter.certs import make_certificates

pytestmark = pytest.mark.anyio
FAST = Delivery(attempts=3, backoff_s=0.05, queue=10)
ALERT = Alert(
    "8a1c0e9d2b3f4a5c",
    "TargetDown",
    (("alertname", "TargetDown"), ("instance", "web1:9100"), ("job", "node")),
    (("summary", "web1:9100 is down"),),
    "firing",
    0.0,
    T0,
    T0,
)


def config(*receivers: Receiver) -> AlertsConfig:
    route = Route(receivers[0].name, group_wait_s=0)
    return AlertsConfig(receivers=receivers, default_route=route, delivery=FAST)


def notification(settings: AlertsConfig, alert: Alert = ALERT) -> Notification:
    (due,) = Dispatcher(settings).due([alert], T0)
    return due


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    with anyio.fail_after(timeout):
        while not condition():
            await anyio.sleep(0.02)


class Running:
    def __init__(self, store: Storage) -> None:
        self.telemetry = Telemetry()
        self.logged: list[NotificationEntry] = []
        self.notifier = Notifier(store, self.telemetry, self.logged.append, queue=2)

    def count(self, receiver: str, outcome: str) -> float:
        labels = {"receiver": receiver, "outcome": outcome}
        return (
            self.telemetry.registry.get_sample_value("hostwatch_alert_notifications_total", labels)
            or 0.0
        )


@asynccontextmanager
async def running(store: Storage) -> AsyncIterator[Running]:
    harness = Running(store)
    async with anyio.create_task_group() as group:
        group.start_soon(harness.notifier.run)
        yield harness
        group.cancel_scope.cancel()


async def deliver(
    store: Storage, settings: AlertsConfig, done: Callable[[Running], bool]
) -> Running:
    """Submit the notification of ALERT and wait until ``done``."""
    async with running(store) as harness:
        harness.notifier.submit(notification(settings), settings)
        await until(lambda: done(harness))
    return harness


async def test_a_webhook_receives_alertmanagers_json(hook: Hook, sqlite_store: Storage) -> None:
    settings = config(Receiver("ops", (Webhook(hook.url),)))
    await deliver(sqlite_store, settings, lambda harness: len(hook.posts) == 1)
    (post,) = hook.posts
    assert (post["version"], post["receiver"], post["status"]) == ("4", "ops", "firing")
    assert [a["fingerprint"] for a in post["alerts"]] == ["8a1c0e9d2b3f4a5c"]


async def test_a_sent_notification_is_logged_in_the_database(
    hook: Hook, sqlite_store: Storage
) -> None:
    settings = config(Receiver("ops", (Webhook(hook.url),)))
    await deliver(sqlite_store, settings, lambda harness: len(harness.logged) == 1)
    assert [(e.receiver, e.firing) for e in sqlite_store.notifications()] == [
        ("ops/webhook/0", frozenset({"8a1c0e9d2b3f4a5c"}))
    ]


async def test_basic_auth_credentials_are_sent_to_the_webhook(
    hook: Hook, sqlite_store: Storage
) -> None:
    settings = config(Receiver("ops", (Webhook(hook.url, username="hw", password="s3cret"),)))
    await deliver(sqlite_store, settings, lambda harness: len(hook.posts) == 1)
    assert hook.headers[0]["Authorization"] == "Basic aHc6czNjcmV0"


async def test_a_failing_webhook_is_retried_with_backoff_until_it_takes_it(
    hook: Hook, sqlite_store: Storage
) -> None:
    hook.fail_next = 2
    settings = config(Receiver("ops", (Webhook(hook.url),)))
    async with running(sqlite_store) as harness:
        started = time.monotonic()
        harness.notifier.submit(notification(settings), settings)
        await until(lambda: harness.count("ops", "sent") == 1)
        waited = time.monotonic() - started
    assert (hook.attempts, harness.count("ops", "sent")) == (3, 1)
    assert waited >= 0.05 + 0.1  # the backoff doubled between the two retries


async def test_a_webhook_failing_every_attempt_counts_one_failure_and_logs_nothing(
    hook: Hook, sqlite_store: Storage
) -> None:
    hook.status = 500
    settings = config(Receiver("ops", (Webhook(hook.url),)))
    await deliver(sqlite_store, settings, lambda harness: harness.count("ops", "failed") == 1)
    assert (hook.attempts, sqlite_store.notifications()) == (3, [])


async def test_a_client_error_is_not_retried(hook: Hook, sqlite_store: Storage) -> None:
    hook.status = 400
    settings = config(Receiver("ops", (Webhook(hook.url),)))
    await deliver(sqlite_store, settings, lambda harness: harness.count("ops", "failed") == 1)
    assert hook.attempts == 1


async def test_a_hanging_webhook_times_out_and_holds_up_no_other_receiver(
    hook: Hook, sqlite_store: Storage
) -> None:
    with webhook_server() as hanging:
        hanging.hang = True
        slow = config(Receiver("slow", (Webhook(hanging.url, timeout_s=0.3),)))
        fine = config(Receiver("ops", (Webhook(hook.url),)))
        async with running(sqlite_store) as harness:
            harness.notifier.submit(notification(slow), slow)
            harness.notifier.submit(notification(fine), fine)
            await until(lambda: len(hook.posts) == 1, timeout=5)
            await until(lambda: harness.count("slow", "failed") == 1)
    assert hanging.attempts == FAST.attempts


async def test_a_full_queue_drops_and_counts_instead_of_waiting(sqlite_store: Storage) -> None:
    settings = config(Receiver("ops", (Webhook("http://127.0.0.1:9/", timeout_s=0.3),)))
    harness = Running(sqlite_store)  # not running: nothing leaves the queue
    for instance in ("a", "b", "c"):
        alert = Alert(instance, "R", (("alertname", instance),), (), "firing", 0.0, T0, T0)
        harness.notifier.submit(notification(settings, alert), settings)
    assert harness.count("ops", "dropped") == 1


async def test_an_email_goes_through_smtp_with_a_summary_per_alert(
    mailbox: Mailbox, sqlite_store: Storage
) -> None:
    mail = Email(("ops@example.org",), "hostwatch@example.org", mailbox.address, require_tls=False)
    settings = config(Receiver("mail", (), (mail,)))
    await deliver(sqlite_store, settings, lambda harness: harness.count("mail", "sent") == 1)
    (message,) = mailbox.messages
    assert (message["Subject"], message["To"]) == ("[FIRING:1] TargetDown", "ops@example.org")
    assert "[firing] web1:9100 is down" in message.get_payload()


@pytest.fixture
def certificates(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """The test CA's file, and the server side of a certificate for 127.0.0.1 it signed."""
    ca, certificate, key = make_certificates(tmp_path)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(certificate, key)
    return ca, server


def mail_to(mailbox: Mailbox, ca: Path, password: str) -> AlertsConfig:
    """A receiver mailing through ``mailbox`` with STARTTLS (trusting ``ca``) as user hw."""
    mail = Email(
        ("ops@example.org",),
        "hostwatch@example.org",
        mailbox.address,
        username="hw",
        password=password,
        tls=TLSConfig(ca_file=str(ca)),
    )
    return config(Receiver("mail", (), (mail,)))


async def test_an_email_goes_over_starttls_with_a_login(
    certificates: tuple[Path, ssl.SSLContext], sqlite_store: Storage
) -> None:
    ca, server = certificates
    with smtp_server(tls=server, login=("hw", "m4il")) as mailbox:
        settings = mail_to(mailbox, ca, "m4il")
        await deliver(sqlite_store, settings, lambda harness: harness.count("mail", "sent") == 1)
    assert len(mailbox.messages) == 1


async def test_a_refused_login_fails_without_showing_the_password(
    certificates: tuple[Path, ssl.SSLContext],
    sqlite_store: Storage,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ca, server = certificates
    with smtp_server(tls=server, login=("hw", "m4il")) as mailbox:
        settings = mail_to(mailbox, ca, "wr0ng-s3cret")
        await deliver(sqlite_store, settings, lambda harness: harness.count("mail", "failed") == 1)
    assert mailbox.messages == []
    assert "SMTPAuthenticationError" in caplog.text
    assert "wr0ng-s3cret" not in caplog.text


async def test_a_server_without_starttls_is_refused_when_tls_is_required(
    mailbox: Mailbox, sqlite_store: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    mail = Email(("ops@example.org",), "hostwatch@example.org", mailbox.address)
    settings = config(Receiver("mail", (), (mail,)))
    await deliver(sqlite_store, settings, lambda harness: harness.count("mail", "failed") == 1)
    assert mailbox.messages == []
    assert "STARTTLS extension not supported by server" in caplog.text

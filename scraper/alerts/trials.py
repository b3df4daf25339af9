"""The scraper's side of the /alerts page: it publishes the alerting in force (summary.py)
when it changes, and answers "send test notification" requests: each receiver's integrations
are sent one test alert, once, and each real answer (status, error, timeout) is stored."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
import httpx

from model import clock
from model.errors import NotifyError, StorageError
from scraper.alerts.dispatch import Integration, Notification, integrations
from scraper.alerts.model import AlertsConfig
from scraper.alerts.notifier import send
from scraper.alerts.summary import document
from storage import Alert, AlertingReport, NotificationEntry, NotificationTest, Storage

log = logging.getLogger(__name__)
INTERVAL_S = 1.0  # how soon a click on the test button is answered
STALE_MS = 60_000  # a request older than this was given up by the web app


def test_alert(now_ms: int) -> Alert:
    return Alert(
        fingerprint="hostwatch-test",
        rule="HostwatchTest",
        labels=(("alertname", "HostwatchTest"), ("instance", "hostwatch"), ("job", "hostwatch"),
                ("severity", "info")),
        annotations=(("summary", "A test notification from hostwatch: this receiver works"),),
        state="firing",
        value=1.0,
        active_since_ms=now_ms,
        fired_ms=now_ms,
    )  # fmt: skip


class Trials:
    def __init__(
        self,
        store: Storage,
        scraper: str,
        config: Callable[[], AlertsConfig],
        describe: Callable[[AlertsConfig], dict[str, Any]] = document,
    ) -> None:
        self._store = store
        self._scraper = scraper
        self._config = config
        self._describe = describe
        self._published: AlertsConfig | None = None

    async def run(self) -> None:
        async with httpx.AsyncClient() as client:
            while True:
                try:
                    await self._publish()
                    await self._answer(client)
                except StorageError as error:
                    log.warning("alerting report or test notifications: %s", error)
                await anyio.sleep(INTERVAL_S)

    async def _publish(self) -> None:
        config = self._config()
        if config is self._published:
            return
        text = json.dumps(self._describe(config), ensure_ascii=False)
        report = AlertingReport(self._scraper, text, clock.now_ms())
        await anyio.to_thread.run_sync(self._store.report_alerting, report)
        self._published = config

    async def _answer(self, client: httpx.AsyncClient) -> None:
        since = clock.now_ms() - STALE_MS
        claimed = await anyio.to_thread.run_sync(
            self._store.claim_notification_tests, self._scraper, since
        )
        for request in claimed:
            results = await trial(client, self._config(), request)
            text = json.dumps(results, ensure_ascii=False)
            await anyio.to_thread.run_sync(self._store.answer_notification_test, request.id, text)


async def trial(
    client: httpx.AsyncClient, config: AlertsConfig, request: NotificationTest
) -> list[dict[str, Any]]:
    """One answer per integration of the receiver, sent at once, side by side."""
    if request.receiver not in {receiver.name for receiver in config.receivers}:
        known = ", ".join(r.name for r in config.receivers) or "none"
        detail = f"no receiver {request.receiver!r} in {config.path} (receivers: {known})"
        return [{"integration": "", "kind": "", "ok": False, "status": None, "detail": detail}]
    found = integrations(config, request.receiver)
    results: list[dict[str, Any]] = [{} for _ in found]

    async def one(index: int, integration: Integration) -> None:
        results[index] = await _attempt(client, config, request, integration)

    async with anyio.create_task_group() as group:
        for index, integration in enumerate(found):
            group.start_soon(one, index, integration)
    return results


async def _attempt(
    client: httpx.AsyncClient,
    config: AlertsConfig,
    request: NotificationTest,
    integration: Integration,
) -> dict[str, Any]:
    now = clock.now_ms()
    key = f"test:{request.id}"
    entry = NotificationEntry(integration.name, key, frozenset(), frozenset(), now)
    alert = test_alert(now)
    notification = Notification(integration, key, (("alertname", alert.rule),), (alert,), entry)
    shown = {"integration": integration.name, "kind": integration.kind}
    try:
        status = await send(client, notification, config.external_url)
    except NotifyError as error:
        return {**shown, "ok": False, "status": error.status, "detail": error.reason}
    detail = f"HTTP {status}" if status is not None else "accepted by the SMTP server"
    return {**shown, "ok": True, "status": status, "detail": detail}

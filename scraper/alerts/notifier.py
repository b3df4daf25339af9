"""Delivery: notifications wait in a bounded queue and are sent by worker tasks of their own,
each attempt bounded by the receiver's timeout, failures retried with exponential backoff.
A receiver that is down or hangs only ever fills this queue; scraping never waits on it."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Protocol

import anyio
import anyio.to_thread
import httpx

from model.errors import NotifyError, StorageError
from scraper.alerts import chat, mail, webhook
from scraper.alerts.dispatch import LogKey, Notification
from scraper.alerts.model import AlertsConfig, Channel, Webhook
from scraper.telemetry import Telemetry
from storage import NotificationEntry

log = logging.getLogger(__name__)
Job = tuple[Notification, AlertsConfig]


class NotificationLog(Protocol):
    def log_notification(self, entry: NotificationEntry) -> None: ...


class Notifier:
    def __init__(
        self,
        store: NotificationLog,
        telemetry: Telemetry,
        logged: Callable[[NotificationEntry], None],
        queue: int = 1000,
        workers: int = 4,
    ) -> None:
        self._store = store
        self._telemetry = telemetry
        self._logged = logged
        self._workers = workers
        self._capacity = queue
        self._waiting: deque[Job] = deque()
        self._ready = anyio.Event()
        self._in_flight: set[LogKey] = set()

    def submit(self, notification: Notification, config: AlertsConfig) -> None:
        """Queue ``notification`` unless the same group is already on its way to the receiver;
        a full queue drops it (the group is looked at again after group_interval)."""
        key = (notification.integration.name, notification.group_key)
        if key in self._in_flight:
            return
        if len(self._waiting) >= self._capacity:
            self._count(notification, "dropped")
            log.error("notification queue full: dropped one for %s", key[0])
            return
        self._waiting.append((notification, config))
        self._ready.set()
        self._in_flight.add(key)
        self._telemetry.notify_queue.set(len(self._in_flight))

    async def run(self) -> None:
        async with httpx.AsyncClient() as client, anyio.create_task_group() as group:
            for _ in range(self._workers):
                group.start_soon(self._work, client)

    async def _work(self, client: httpx.AsyncClient) -> None:
        while True:
            if not self._waiting:
                if self._ready.is_set():
                    self._ready = anyio.Event()
                await self._ready.wait()
                continue
            notification, config = self._waiting.popleft()
            try:
                await self._deliver(client, notification, config)
            finally:
                self._in_flight.discard((notification.integration.name, notification.group_key))
                self._telemetry.notify_queue.set(len(self._in_flight))

    async def _deliver(
        self, client: httpx.AsyncClient, notification: Notification, config: AlertsConfig
    ) -> None:
        try:
            if notification.alerts:
                await self._attempts(client, notification, config)
                self._count(notification, "sent")
            await anyio.to_thread.run_sync(self._store.log_notification, notification.entry)
        except NotifyError as error:
            self._count(notification, "failed")
            log.error("notifying %s failed: %s", notification.integration.name, error)
            return
        except StorageError as error:
            # Sent but not logged: it may be sent once more after a restart, never lost.
            log.error("notification log not written: %s", error)
        self._logged(notification.entry)

    async def _attempts(
        self, client: httpx.AsyncClient, notification: Notification, config: AlertsConfig
    ) -> None:
        delay = config.delivery.backoff_s
        for attempt in range(1, config.delivery.attempts + 1):
            try:
                await send(client, notification, config.external_url)
                return
            except NotifyError as error:
                if not error.retry or attempt == config.delivery.attempts:
                    raise
                log.warning(
                    "notifying %s failed (%s); retry %d in %gs",
                    notification.integration.name,
                    error,
                    attempt,
                    delay,
                )
            await anyio.sleep(delay)
            delay *= 2

    def _count(self, notification: Notification, outcome: str) -> None:
        self._telemetry.notifications.labels(notification.integration.receiver, outcome).inc()


async def send(
    client: httpx.AsyncClient, notification: Notification, external_url: str
) -> int | None:
    """One attempt; the HTTP status of the answer (None for e-mail), or NotifyError."""
    target = notification.integration.target
    if isinstance(target, Webhook):
        return await webhook.send(client, target, notification, external_url)
    if isinstance(target, Channel):
        return await chat.send(client, target, notification, external_url)
    await mail.send(target, notification, external_url)
    return None

"""The alerting part of the scraper process: evaluation after each scrape, and a timer task
that evaluates the rule groups due, fires ``for`` durations, stores what changed, reloads
alerts.yml and hands due notifications to the notifier."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

import anyio
import anyio.to_thread

from model import clock
from model.errors import ConfigError, StorageError, StorageUnavailable
from promql import EngineLimits
from scraper.alerts.config import load_or_defaults
from scraper.alerts.dispatch import Dispatcher, notifiable
from scraper.alerts.entries import Entries
from scraper.alerts.evaluator import Changes, Evaluator, merged
from scraper.alerts.expressions import GroupRunner
from scraper.alerts.model import AlertsConfig
from scraper.alerts.notifier import Notifier
from scraper.alerts.stored import document, with_stored
from scraper.config.files import file_version
from scraper.telemetry import Telemetry
from storage import (
    Alert,
    NotificationEntry,
    ScrapeRecord,
    Silence,
    Storage,
    TargetHealth,
    shown_state,
)

log = logging.getLogger(__name__)
# The labels of values about the scraper itself rather than a target.
SCRAPER_LABELS = (("instance", "scraper"), ("job", "hostwatch"))
SCRAPER = ("hostwatch", "scraper")
Scraped = Callable[[], Collection[tuple[str, str]]]


class AlertService:
    def __init__(
        self,
        config: AlertsConfig,
        store: Storage,
        telemetry: Telemetry,
        buffer_percent: Callable[[], float],
        required: bool = True,
    ) -> None:
        self.config = self.file_config = config
        self.entries = Entries(store)
        """The rules and receivers created in the browser, merged over ``file_config``."""
        self._store = store
        self._telemetry = telemetry
        self._buffer_percent = buffer_percent
        self._required = required
        self._version = file_version(config.path)
        self._silences: list[Silence] = []
        self._unsaved: Changes = ([], [], [])
        alerts, targets, notified = _restored(store)
        self.evaluator = Evaluator(config.rules, alerts, config.groups)
        self.groups = GroupRunner(store, telemetry, EngineLimits())
        self.evaluator.set_health(targets)
        self.dispatcher = Dispatcher(config, notified)
        self.notifier = Notifier(store, telemetry, self.dispatcher.logged, config.delivery.queue)
        telemetry.alerts_reload_success.set(1)
        self.last_error = ""
        """Why the newest alerts.yml was refused; empty while the file in force is the newest."""

    def observe(self, record: ScrapeRecord) -> None:
        """Evaluate the rules on a scrape just made (called in the scrape loop: in memory only)."""
        clock = time.perf_counter()
        self.evaluator.observe(record)
        self._telemetry.evaluation.observe(time.perf_counter() - clock)

    async def run(self, scraped: Scraped) -> None:
        """Evaluate on the timer until cancelled; ``scraped`` lists the targets scraped now."""
        async with anyio.create_task_group() as group:
            group.start_soon(self.notifier.run)
            while True:
                await anyio.sleep(self.config.evaluation_interval_s)
                await self.step(scraped)

    async def step(self, scraped: Scraped | None = None, now_ms: int | None = None) -> None:
        """One round of the timer: reload, retire, evaluate, store, notify."""
        now = clock.now_ms() if now_ms is None else now_ms
        stored_changed = await self.entries.refresh(self.file_config)
        self._reload(now, force=stored_changed)
        if scraped is not None:
            self.evaluator.retire({*scraped(), SCRAPER}, now)
        reading = [(SCRAPER_LABELS, self._buffer_percent())]
        self.evaluator.feed("scraper_buffer_percent", reading, now)
        await self.groups.run_due(self.config.groups, self.evaluator, now)
        self.evaluator.tick(now, int(self.config.resolved_keep_s * 1000))
        await self._save()
        await self._read_silences()
        alerts = notifiable(self.evaluator.alerts, self._silences, now)
        for notification in self.dispatcher.due(alerts, now):
            self.notifier.submit(notification, self.config)
        self._count(now)

    def _reload(self, now_ms: int, force: bool = False) -> None:
        """Apply a changed alerts.yml, merged with the stored rules and receivers; ``force``:
        those changed, so the file is read again and merged with them."""
        version = file_version(self.config.path)
        if version == self._version and not force:
            return
        self._version = version
        try:
            config = load_or_defaults(self.config.path, self._required)
        except ConfigError as error:
            self.last_error = str(error)
            self._telemetry.alerts_reload_success.set(0)
            log.error("alerts reload refused, the previous rules keep running: %s", error)
            return
        self.last_error = ""
        self.file_config, config = config, with_stored(config, self.entries.stored)
        self.config = self.dispatcher.config = config
        self.evaluator.set_rules(config.rules, now_ms, config.groups)
        self._telemetry.alerts_reload_success.set(1)
        log.info("alert rules reloaded from %s", config.path)

    def describe(self, config: AlertsConfig) -> dict[str, Any]:
        """The alerting in force for the /alerts page, each rule and receiver with its source."""
        return document(config, self.entries.stored)

    async def _save(self) -> None:
        # What failed to store last round goes with this round's changes.
        batch = merged(self._unsaved, self.evaluator.drain())
        if not any(batch):
            return
        try:
            await anyio.to_thread.run_sync(self._store.save_alerts, *batch)
        except StorageError as error:
            log.error("alerts not stored, retrying next round: %s", error)
            self._unsaved = batch
            return
        self._unsaved = ([], [], [])

    async def _read_silences(self) -> None:
        try:
            self._silences = await anyio.to_thread.run_sync(self._store.silences)
        except StorageError as error:
            log.error("silences not read, using the last ones known: %s", error)

    def _count(self, now_ms: int) -> None:
        states = Counter(
            (alert.rule, shown_state(alert, self._silences, now_ms))
            for alert in self.evaluator.alerts
        )
        self._telemetry.alerts.clear()
        for (rule, state), count in states.items():
            self._telemetry.alerts.labels(rule, state).set(count)


def _restored(
    store: Storage,
) -> tuple[list[Alert], list[TargetHealth], list[NotificationEntry]]:
    """The alerts, targets' health and notification log a previous run stored; none if the
    database is down at start (the scraper still starts, and the rules start afresh)."""
    try:
        return store.alerts(), store.targets(), store.notifications()
    except StorageUnavailable as error:
        log.error("alert state not restored, the database is unavailable: %s", error)
        return [], [], []

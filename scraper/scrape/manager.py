"""The scrape manager: one loop per target, reconciled with the config on every reload.

A reload is a diff. Targets are frozen values that include their job's settings, so a target
whose address, labels or job settings changed compares unequal and is restarted; untouched
targets keep their loop and with it their schedule.
"""

from __future__ import annotations

import logging
import signal
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import anyio
from anyio.abc import TaskGroup

from model.clock import now_ms
from model.errors import ConfigError
from scraper.config import ScraperConfig, load
from scraper.config.files import file_version
from scraper.scrape.discovery import FileTargets, Shard, targets
from scraper.scrape.loop import ScrapeLoop
from scraper.scrape.registry import Registry
from scraper.scrape.target import Target
from scraper.telemetry import Telemetry
from storage import ScraperStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    started: int
    stopped: int
    kept: int


class ScrapeManager:
    def __init__(self, task_group: TaskGroup, new_loop: Callable[[Target], ScrapeLoop]) -> None:
        self._task_group = task_group
        self._new_loop = new_loop
        self._running: dict[Target, tuple[ScrapeLoop, anyio.CancelScope]] = {}

    @property
    def loops(self) -> list[ScrapeLoop]:
        return [loop for loop, _ in self._running.values()]

    def apply(self, wanted: set[Target]) -> Change:
        stopped = self._running.keys() - wanted
        started = wanted - self._running.keys()
        # A target restarted with other settings keeps its series (its new loop scrapes
        # within seconds): only a target whose labels are gone has its series marked stale.
        restarted = {target.labels for target in started}
        for target in stopped:
            loop, scope = self._running.pop(target)
            scope.cancel()
            if target.labels not in restarted:
                loop.retire()
        for target in started:
            self._start(target)
        return Change(len(started), len(stopped), len(wanted) - len(started))

    def stop(self) -> None:
        """Cancel every loop, marking nothing stale: as Prometheus at shutdown, the next run
        carries on where this one stopped."""
        for _, scope in self._running.values():
            scope.cancel()
        self._running.clear()

    def _start(self, target: Target) -> None:
        loop, scope = self._new_loop(target), anyio.CancelScope()
        self._running[target] = loop, scope
        self._task_group.start_soon(_run_in, scope, loop, name=f"scrape {target.url}")


async def _run_in(scope: anyio.CancelScope, loop: ScrapeLoop) -> None:
    with scope:
        await loop.run()


class Reloader:
    """Watches targets.yml, the file_sd files and the servers registered in the database;
    applies a valid change, refuses a broken one."""

    def __init__(
        self,
        path: str,
        manager: ScrapeManager,
        telemetry: Telemetry,
        shard: Shard,
        config: ScraperConfig,
        registry: Registry | None = None,
        on_applied: Callable[[ScraperConfig], None] | None = None,
    ) -> None:
        """``on_applied``: told of each configuration applied (the remote_write endpoints)."""
        self._path = path
        self._on_applied = on_applied
        self._manager = manager
        self._telemetry = telemetry
        self._shard = shard
        self._files = FileTargets()
        self._registry = registry
        self._wanted: set[Target] = set()
        self.config = config
        self._version = file_version(path)
        self.last_error = ""
        self._reloaded_ms = 0
        self._applied(config)

    async def run(self, interval: float) -> None:
        """Poll every ``interval`` seconds; SIGHUP reloads at once."""
        async with anyio.create_task_group() as group:
            group.start_soon(self._on_sighup)
            while True:
                if self._registry is not None:
                    await self._registry.report(self._wanted)
                await anyio.sleep(interval)
                if self._registry is not None:
                    await self._registry.refresh()
                self.check()

    def check(self, force: bool = False) -> None:
        version = file_version(self._path)
        if force or version != self._version:
            self._version = version
            self._reload()
        registered = self._registry.servers if self._registry is not None else ()
        self._wanted = wanted = targets(self.config, self._files, self._shard, registered)
        self._manager.apply(wanted)
        self._telemetry.targets.clear()
        for job, count in Counter(target.job.job_name for target in wanted).items():
            self._telemetry.targets.labels(job).set(count)

    def _reload(self) -> None:
        try:
            config = load(self._path)
        except ConfigError as error:
            self.last_error = str(error)
            self._telemetry.reload_success.set(0)
            log.error("reload refused, the previous configuration keeps running: %s", error)
            return
        self._applied(config)
        log.info("configuration reloaded from %s", self._path)

    def status(self, targets: int, now_ms: int) -> ScraperStatus:
        """This scraper's report for the dashboard: named by its shard, as of ``now_ms``."""
        return ScraperStatus(
            name=str(self._shard),
            config_file=self._path,
            targets=targets,
            reload_ok=not self.last_error,
            reload_error=self.last_error or None,
            reloaded_ms=self._reloaded_ms,
            heartbeat_ms=now_ms,
        )

    def _applied(self, config: ScraperConfig) -> None:
        self.config, self.last_error = config, ""
        self._reloaded_ms = now_ms()
        self._telemetry.reload_success.set(1)
        self._telemetry.reload_time.set(self._reloaded_ms / 1000)
        if self._on_applied is not None:
            self._on_applied(config)

    async def _on_sighup(self) -> None:
        with anyio.open_signal_receiver(signal.SIGHUP) as signals:
            async for _ in signals:
                log.info("SIGHUP: reloading %s", self._path)
                self.check(force=True)

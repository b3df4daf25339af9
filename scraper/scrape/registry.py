"""The database as a discovery source: the servers registered through the API, read on every
reload tick, and this scraper's report of where its targets come from, written when it changes.

The reads and writes run in a worker thread, so a slow database never stalls the scrapes; a
database that cannot be read keeps the last servers read (a restart reads them again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import anyio.to_thread

from model.errors import StorageError
from scraper.scrape.target import Target
from storage import RegisteredServer, Storage, TargetSource

log = logging.getLogger(__name__)


class Registry:
    def __init__(self, store: Storage, scraper: str) -> None:
        self._store = store
        self._scraper = scraper
        self.servers: tuple[RegisteredServer, ...] = ()
        self._reported: frozenset[TargetSource] | None = None
        self._failing = ""

    def read(self) -> None:
        """Read the registered servers now (at start, before the first targets are applied)."""
        try:
            self.servers = tuple(self._store.registered_servers())
        except StorageError as error:
            self._failed(f"registered servers not read, keeping the last ones: {error}")
            return
        self._failing = ""

    async def refresh(self) -> None:
        await anyio.to_thread.run_sync(self.read)

    async def report(self, targets: Iterable[Target]) -> None:
        """Tell the web app where this scraper's targets come from, if that changed."""
        sources = frozenset(self._source(target) for target in targets)
        if sources == self._reported:
            return
        ordered = sorted(sources, key=lambda s: (s.job, s.address))
        try:
            await anyio.to_thread.run_sync(self._store.report_sources, self._scraper, ordered)
        except StorageError as error:
            self._failed(f"target sources not reported: {error}")
            return
        self._reported = sources

    def _source(self, target: Target) -> TargetSource:
        return TargetSource(
            self._scraper,
            target.job.job_name,
            target.address,
            target.instance,
            target.origin,
            target.file,
        )

    def _failed(self, message: str) -> None:
        # Once per distinct failure: the reload tick runs every few seconds.
        if message != self._failing:
            log.warning("%s", message)
        self._failing = message

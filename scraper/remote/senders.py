"""The remote_write endpoints of the targets.yml in force, each a Sender in a task of its own.

A reload applies the new list as a diff, as the scrape manager applies targets: an endpoint
whose configuration is unchanged keeps its Sender (and with it the samples it has queued), a
new one starts, and a removed one takes no more scrapes but sends what it had queued (for at
most ``drain_s``) before its task is stopped and its series leave the scraper's /metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import anyio
from anyio.abc import TaskGroup

from scraper.config.model import RemoteWriteConfig
from scraper.remote.sender import Sender, remote_name
from scraper.telemetry import Telemetry
from storage import ScrapeRecord

log = logging.getLogger(__name__)
DRAIN_POLL_S = 0.05


class Senders:
    def __init__(self, telemetry: Telemetry, drain_s: float = 30.0) -> None:
        self._telemetry = telemetry
        self._drain_s = drain_s
        self._running: dict[RemoteWriteConfig, tuple[Sender, anyio.CancelScope]] = {}
        self._retiring: list[tuple[Sender, anyio.CancelScope]] = []  # removed before run()
        self._group: TaskGroup | None = None

    @property
    def senders(self) -> list[Sender]:
        return [sender for sender, _ in self._running.values()]

    def offer(self, record: ScrapeRecord) -> None:
        """Queue ``record`` for every endpoint in force. Never blocks."""
        for sender, _ in self._running.values():
            sender.offer(record)

    async def run(self) -> None:
        """Run the endpoints in force; apply() changes them from now on."""
        async with anyio.create_task_group() as group:
            self._group = group
            for sender, scope in [*self._running.values(), *self._retiring]:
                group.start_soon(_run, sender, scope)
            for sender, scope in self._retiring:
                group.start_soon(self._drained, sender, scope)
            self._retiring.clear()
            await anyio.sleep_forever()

    def apply(self, configs: Sequence[RemoteWriteConfig]) -> None:
        """Make ``configs`` the endpoints in force. Before run(), their queues take scrapes
        already and start sending once it runs."""
        wanted = dict.fromkeys(configs)
        for config in [c for c in self._running if c not in wanted]:
            sender, scope = self._running.pop(config)
            log.info("remote_write to %s removed: sending its queue first", config.url)
            if self._group is None:
                self._retiring.append((sender, scope))
            else:
                self._group.start_soon(self._drained, sender, scope)
        for config in wanted:
            if config not in self._running:
                sender, scope = Sender(config, self._telemetry), anyio.CancelScope()
                self._running[config] = sender, scope
                if self._group is not None:
                    self._group.start_soon(_run, sender, scope)

    async def _drained(self, sender: Sender, scope: anyio.CancelScope) -> None:
        with anyio.move_on_after(self._drain_s):
            while sender.busy:
                await anyio.sleep(DRAIN_POLL_S)
        if sender.busy:
            log.warning(
                "remote_write to %s stopped, %d samples lost", sender.config.url, sender.pending
            )
        scope.cancel()
        self._forget(sender.config)

    def _forget(self, removed: RemoteWriteConfig) -> None:
        """The removed endpoint's series off /metrics, unless an endpoint in force has its
        name and url (a changed queue_config, say), whose series they are too."""
        shown = remote_name(removed), removed.url
        if all((remote_name(config), config.url) != shown for config in self._running):
            self._telemetry.forget_remote(*shown)


async def _run(sender: Sender, scope: anyio.CancelScope) -> None:
    with scope:
        await sender.run()

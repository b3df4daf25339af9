"""The base of every host collector: one area of the machine, read at scrape time."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import ClassVar

from prometheus_client.metrics_core import Metric

from exporter.config import CollectorOptions
from exporter.host import Host


class HostCollector(abc.ABC):
    """Reads one area of the host (``name`` is node_exporter's collector name) at each scrape.

    ``collect`` builds fresh metric families every call: nothing is cached between scrapes,
    so a scrape never serves stale numbers. It may raise; the node collector isolates it.
    """

    name: ClassVar[str]

    def __init__(self, host: Host, options: CollectorOptions | None = None) -> None:
        self.host = host
        self.options = options or CollectorOptions()

    @abc.abstractmethod
    def collect(self) -> Iterable[Metric]:
        """The metric families of this area, read now."""

"""top: the processes using the most CPU and memory right now (a hostwatch extra, on by default).

``hostwatch_top_process_cpu_seconds_total{pid,name}`` is the cumulative CPU time (user + system)
of the ``options.top_processes`` processes that used the most CPU since the previous scrape, so
``topk(5, rate(hostwatch_top_process_cpu_seconds_total[1m]))`` graphs the current CPU hogs,
including one that started a minute ago. ``hostwatch_top_process_resident_memory_bytes{pid,name}``
is the resident memory of the N largest processes.

Cardinality: at most N series per family per scrape; over time, one series per process that
ever made a top N. There is deliberately no rank label: a rank changes at every scrape and would
make a new series each time; dashboards sort by value instead. ``name`` is the kernel's command
name (15 characters at most); ``pid`` keeps two instances of one program apart.

It reads /proc/<pid>/stat of every process at each scrape: about 15 us of CPU per process
(1.5 ms at 100 processes), small enough to be on by default (``--collectors-disable top``).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.config import CollectorOptions
from exporter.host import Host
from exporter.proctable import ProcessStat, stats

LABELS = ["pid", "name"]


class TopCollector(HostCollector):
    name = "top"

    def __init__(self, host: Host, options: CollectorOptions | None = None) -> None:
        super().__init__(host, options)
        self._previous: dict[str, float] = {}  # pid -> CPU seconds at the previous scrape

    def collect(self) -> Iterator[Metric]:
        processes = list(stats(self.host.procfs))
        count = self.options.top_processes
        busiest = heapq.nlargest(count, processes, key=self._cpu_since_previous)
        largest = heapq.nlargest(count, processes, key=lambda process: process.resident_bytes)
        self._previous = {process.pid: process.cpu_seconds for process in processes}
        cpu = CounterMetricFamily(
            "hostwatch_top_process_cpu_seconds",
            "CPU time (user and system) of the processes that used the most CPU since the "
            "previous scrape.",
            labels=LABELS,
        )
        for process in busiest:
            cpu.add_metric([process.pid, process.name], process.cpu_seconds)
        memory = GaugeMetricFamily(
            "hostwatch_top_process_resident_memory_bytes",
            "Resident memory of the processes using the most.",
            labels=LABELS,
        )
        for process in largest:
            memory.add_metric([process.pid, process.name], process.resident_bytes)
        yield cpu
        yield memory

    def _cpu_since_previous(self, process: ProcessStat) -> float:
        # A process first seen now (or at the first scrape) counts all its CPU time.
        return process.cpu_seconds - self._previous.get(process.pid, 0.0)

"""pressure: time stalled on CPU, I/O, memory and IRQs, from /proc/pressure (PSI, Linux 4.20+).

``some`` is time at least one task waited, ``full`` time all non-idle tasks were stalled at
once; the kernel counts microseconds. A kernel without PSI yields nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_optional
from exporter.parsing import assignments

MICROSECONDS = 1e-6
# (resource, line) -> (metric, HELP), node_exporter's names and texts.
SERIES = {
    ("cpu", "some"): (
        "node_pressure_cpu_waiting_seconds_total",
        "Total time in seconds that processes have waited for CPU time",
    ),
    ("io", "some"): (
        "node_pressure_io_waiting_seconds_total",
        "Total time in seconds that processes have waited due to IO congestion",
    ),
    ("io", "full"): (
        "node_pressure_io_stalled_seconds_total",
        "Total time in seconds no process could make progress due to IO congestion",
    ),
    ("memory", "some"): (
        "node_pressure_memory_waiting_seconds_total",
        "Total time in seconds that processes have waited for memory",
    ),
    ("memory", "full"): (
        "node_pressure_memory_stalled_seconds_total",
        "Total time in seconds no process could make progress due to memory congestion",
    ),
    ("irq", "full"): (
        "node_pressure_irq_stalled_seconds_total",
        "Total time in seconds no process could make progress due to IRQ congestion",
    ),
}


class PressureCollector(HostCollector):
    name = "pressure"

    def collect(self) -> Iterator[Metric]:
        for resource in ("cpu", "io", "memory", "irq"):
            text = read_optional(self.host.proc(f"pressure/{resource}")) or ""
            for line in text.splitlines():
                kind, *fields = line.split()
                if (resource, kind) in SERIES:
                    name, documentation = SERIES[resource, kind]
                    total = float(assignments(fields)["total"]) * MICROSECONDS
                    yield CounterMetricFamily(name, documentation, value=total)

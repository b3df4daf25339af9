"""cpu: time each CPU spent in each mode, from /proc/stat (node_exporter's cpu collector)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import USER_HZ, read_text

MODES = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
GUEST_MODES = ("user", "nice")


class CPUCollector(HostCollector):
    name = "cpu"

    def collect(self) -> Iterator[Metric]:
        seconds = CounterMetricFamily(
            "node_cpu_seconds", "Seconds the CPUs spent in each mode.", labels=["cpu", "mode"]
        )
        guest = CounterMetricFamily(
            "node_cpu_guest_seconds",
            "Seconds the CPUs spent in guests (VMs) for each mode.",
            labels=["cpu", "mode"],
        )
        for cpu, ticks in per_cpu_ticks(read_text(self.host.proc("stat"))):
            for mode, value in zip(MODES, ticks, strict=False):
                seconds.add_metric([cpu, mode], value / USER_HZ)
            for mode, value in zip(GUEST_MODES, ticks[len(MODES) :], strict=False):
                guest.add_metric([cpu, mode], value / USER_HZ)
        yield seconds
        yield guest


def per_cpu_ticks(stat: str) -> Iterator[tuple[str, list[int]]]:
    """(cpu number, tick counters) of each ``cpuN`` line; the ``cpu`` total line is skipped."""
    for line in stat.splitlines():
        if line.startswith("cpu") and line[3:4].isdigit():
            label, *fields = line.split()
            yield label[3:], [int(field) for field in fields]

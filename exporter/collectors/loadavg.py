"""loadavg: the 1, 5 and 15 minute load averages from /proc/loadavg."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_text


class LoadavgCollector(HostCollector):
    name = "loadavg"

    def collect(self) -> Iterator[Metric]:
        loads = read_text(self.host.proc("loadavg")).split()[:3]
        for minutes, load in zip(("1", "5", "15"), loads, strict=True):
            yield GaugeMetricFamily(f"node_load{minutes}", f"{minutes}m load average.", float(load))

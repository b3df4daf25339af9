"""time: the system clock, its time zone and clocksource (node_exporter's time collector)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_optional

CLOCKSOURCES = "devices/system/clocksource"


class TimeCollector(HostCollector):
    name = "time"

    def collect(self) -> Iterator[Metric]:
        now = time.time()
        local = time.localtime(now)
        yield GaugeMetricFamily(
            "node_time_seconds", "System time in seconds since epoch (1970).", now
        )
        offset = GaugeMetricFamily(
            "node_time_zone_offset_seconds",
            "System time zone offset in seconds.",
            labels=["time_zone"],
        )
        offset.add_metric([local.tm_zone], local.tm_gmtoff)
        yield offset
        yield from self.clocksources()

    def clocksources(self) -> Iterator[GaugeMetricFamily]:
        """Available and current clocksource of each clocksource device, labelled by number."""
        for kind, subject in (
            ("available", "Available clocksources"),
            ("current", "Current clocksource"),
        ):
            info = GaugeMetricFamily(
                f"node_time_clocksource_{kind}_info",
                f"{subject} read from '/sys/{CLOCKSOURCES}'.",
                labels=["clocksource", "device"],
            )
            for device in sorted(self.host.sys(CLOCKSOURCES).glob("clocksource[0-9]*")):
                for source in (read_optional(device / f"{kind}_clocksource") or "").split():
                    info.add_metric([source, device.name.removeprefix("clocksource")], 1)
            yield info

"""thermal_zone: ACPI thermal zones and cooling devices of /sys/class/thermal (node_exporter's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_number, read_optional


class ThermalZoneCollector(HostCollector):
    name = "thermal_zone"

    def collect(self) -> Iterator[Metric]:
        thermal = self.host.sys("class/thermal")
        zones = GaugeMetricFamily(
            "node_thermal_zone_temp", "Zone temperature in Celsius", labels=["type", "zone"]
        )
        for zone in sorted(thermal.glob("thermal_zone*")):
            millidegrees = read_number(zone / "temp")
            if millidegrees is not None:
                number = zone.name.removeprefix("thermal_zone")
                zones.add_metric([kind(zone / "type"), number], millidegrees / 1000)
        yield zones
        states = {
            state: GaugeMetricFamily(
                f"node_cooling_device_{state}",
                f"{text} throttle state of the cooling device",
                labels=["name", "type"],
            )
            for state, text in (("cur_state", "Current"), ("max_state", "Maximum"))
        }
        for device in sorted(thermal.glob("cooling_device*")):
            for state, metric in states.items():
                value = read_number(device / state)
                if value is not None:
                    number = device.name.removeprefix("cooling_device")
                    metric.add_metric([number, kind(device / "type")], value)
        yield from states.values()


def kind(path: Path) -> str:
    """The content of a ``type`` file (``acpitz``, ``Processor``), blank where absent."""
    return (read_optional(path) or "").strip()

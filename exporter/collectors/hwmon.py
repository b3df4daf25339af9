"""hwmon: temperatures, fans, voltages and power of /sys/class/hwmon (node_exporter's collector).

Each sensor file ``<type><n>_<element>`` becomes ``node_hwmon_<type>[_<element>]_<unit>`` with
labels chip and sensor, in node_exporter's units and names (``temp1_crit`` is
``node_hwmon_temp_crit_celsius{sensor="temp1"}``). The chip is named after its device path
(``platform_coretemp_0``), which stays stable across reboots where ``hwmonN`` does not. Virtual
machines usually have no sensors at all: then nothing is reported, successfully.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import Family, family
from exporter.host import read_optional, read_text

SENSOR_FILE = re.compile(r"^(in|cpu|fan|temp|curr|power|energy|humidity)(\d+)_(\w+)$")
UNSAFE = re.compile(r"[^a-z0-9:_]")
# sensor type -> (metric suffix, HELP subject, scale from the kernel's unit)
UNITS = {
    "in": ("volts", "voltage", 0.001),
    "cpu": ("volts", "voltage", 0.001),
    "temp": ("celsius", "temperature", 0.001),
    "curr": ("amps", "current", 0.001),
    "power": ("watt", "power usage in watts", 1e-6),
    "energy": ("joule_total", "joules used so far", 1e-6),
    "fan": ("rpm", "fan revolutions per minute", 1.0),
}
LABELS = ["chip", "sensor"]


class HwmonCollector(HostCollector):
    name = "hwmon"

    def collect(self) -> Iterator[Metric]:
        metrics: dict[str, Family] = {}
        chip_names = GaugeMetricFamily(
            "node_hwmon_chip_names",
            "Annotation metric for human-readable chip names",
            labels=["chip", "chip_name"],
        )
        sensor_labels = GaugeMetricFamily(
            "node_hwmon_sensor_label",
            "Label for given chip and sensor",
            labels=["chip", "label", "sensor"],
        )
        for directory in self.chips():
            chip = chip_id(directory)
            name = (read_optional(directory / "name") or "").strip()
            if name:
                chip_names.add_metric([chip, name], 1)
            for (kind, number, element), raw in sensor_values(directory).items():
                sensor = f"{kind}{number}"
                if element == "label":
                    sensor_labels.add_metric([chip, raw, sensor], 1)
                    continue
                try:
                    value = float(raw)
                # Some drivers write text where a number belongs; node_exporter skips it too.
                except ValueError:
                    continue
                metric_name, documentation, scale = describe(kind, element)
                metric = metrics.setdefault(metric_name, family(metric_name, documentation, LABELS))
                metric.add_metric([chip, sensor], value * scale)
        yield from metrics.values()
        yield chip_names
        yield sensor_labels

    def chips(self) -> list[Path]:
        root = self.host.sys("class/hwmon")
        return sorted(root.iterdir()) if root.is_dir() else []


def chip_id(directory: Path) -> str:
    """``<bus>_<device>`` of the chip's device (``platform_coretemp_0``), else ``hwmonN``."""
    device = directory / "device"
    if device.exists():
        resolved = device.resolve()
        bus, name = clean(resolved.parent.name), clean(resolved.name)
        if name:
            return f"{bus}_{name}" if bus else name
    return clean(directory.name)


def sensor_values(directory: Path) -> dict[tuple[str, str, str], str]:
    """(type, number, element) -> content of each readable sensor file of the chip.

    Older drivers keep their sensor files in the device directory rather than the hwmon one.
    """
    values = {}
    for folder in (directory, directory / "device"):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            match = SENSOR_FILE.match(path.name)
            if match is None:
                continue
            try:
                values[match[1], match[2], match[3]] = read_text(path).strip()
            # Alarm and fault files of a sensor the chip lacks answer EIO or ENXIO.
            except OSError:
                continue
    return values


def describe(kind: str, element: str) -> tuple[str, str, float]:
    """(metric name, HELP, scale) of one sensor element, named as node_exporter names it."""
    name = f"node_hwmon_{kind}" if element == "input" else f"node_hwmon_{kind}_{clean(element)}"
    if element in {"alarm", "fault"}:
        return name, f"Hardware sensor {element} status ({kind})", 1.0
    if has_unit(kind, element):
        unit, subject, scale = UNITS[kind]
        return f"{name}_{unit}", f"Hardware monitor for {subject} ({element})", scale
    return name, f"Hardware monitor {kind} element {element}", 1.0


def has_unit(kind: str, element: str) -> bool:
    if kind == "fan":
        return element in {"input", "min", "max", "target"}
    return kind in UNITS and not (kind == "temp" and element == "type")


def clean(name: str) -> str:
    """``coretemp.0`` as ``coretemp_0``: lower case, anything but [a-z0-9:_] an underscore."""
    return UNSAFE.sub("_", name.lower()).strip("_")

"""netclass: link properties of each network interface from /sys/class/net (node_exporter's).

An interface without a property (a virtual link has no speed; the kernel answers EINVAL) simply
lacks that sample, like node_exporter.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import family
from exporter.host import read_text

MEGABIT_BYTES = 1000 * 1000 / 8
# sysfs file -> (node_network_ metric, scale); flags and dev_id are hexadecimal ("0x1003").
PROPERTIES: dict[str, tuple[str, float]] = {
    "addr_assign_type": ("address_assign_type", 1),
    "carrier": ("carrier", 1),
    "carrier_changes": ("carrier_changes_total", 1),
    "carrier_up_count": ("carrier_up_changes_total", 1),
    "carrier_down_count": ("carrier_down_changes_total", 1),
    "dev_id": ("device_id", 1),
    "dormant": ("dormant", 1),
    "flags": ("flags", 1),
    "ifindex": ("iface_id", 1),
    "iflink": ("iface_link", 1),
    "link_mode": ("iface_link_mode", 1),
    "mtu": ("mtu_bytes", 1),
    "name_assign_type": ("name_assign_type", 1),
    "netdev_group": ("net_dev_group", 1),
    "type": ("protocol_type", 1),
    "speed": ("speed_bytes", MEGABIT_BYTES),
    "tx_queue_len": ("transmit_queue_length", 1),
}
INFO_FILES = ("address", "broadcast", "duplex", "ifalias", "operstate")
INFO_LABELS = sorted((*INFO_FILES, "device"))


class NetclassCollector(HostCollector):
    name = "netclass"

    def collect(self) -> Iterator[Metric]:
        metrics = {
            file: family(f"node_network_{name}", f"Network device property: {name}", ["device"])
            for file, (name, _) in PROPERTIES.items()
        }
        up = GaugeMetricFamily(
            "node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.", labels=["device"]
        )
        info = GaugeMetricFamily(
            "node_network_info",
            "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
            labels=INFO_LABELS,
        )
        for device in self.devices():
            attributes = self.attributes(device)
            for file, (_, scale) in PROPERTIES.items():
                if attributes.get(file):
                    metrics[file].add_metric([device], integer(attributes[file]) * scale)
            up.add_metric([device], float(attributes.get("operstate") == "up"))
            info.add_metric([attributes.get(label, "") for label in INFO_LABELS], 1)
        yield from metrics.values()
        yield up
        yield info

    def devices(self) -> list[str]:
        net = self.host.sys("class/net")
        return sorted(path.name for path in net.iterdir() if self.options.netdevs.allows(path.name))

    def attributes(self, device: str) -> dict[str, str]:
        """Every readable sysfs attribute this collector reports, by file name."""
        found = {"device": device}
        directory = f"{self.host.sysfs}/class/net/{device}/"  # a string: ~22 files per device
        for file in (*PROPERTIES, *INFO_FILES):
            try:
                found[file] = read_text(directory + file).strip()
            # Attributes a link type lacks answer EINVAL (speed of a virtual link) or are absent.
            except OSError:
                continue
        return found


def integer(value: str) -> int:
    """A sysfs integer: hexadecimal when written ``0x...`` (flags, dev_id), decimal otherwise."""
    return int(value, 16) if value.startswith("0x") else int(value)

"""arp: neighbour table entries per interface from /proc/net/arp (node_exporter's)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_text
from exporter.parsing import rows


class ArpCollector(HostCollector):
    name = "arp"

    def collect(self) -> Iterator[Metric]:
        # columns: IP address, HW type, Flags, HW address, Mask, Device
        devices = Counter(row[5] for row in rows(read_text(self.host.proc("net/arp"))))
        entries = GaugeMetricFamily("node_arp_entries", "ARP entries by device", labels=["device"])
        for device, count in sorted(devices.items()):
            entries.add_metric([device], count)
        yield entries

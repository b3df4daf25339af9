"""udp_queues: bytes queued in UDP sockets, from /proc/net/udp and udp6 (node_exporter's)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_optional
from exporter.parsing import rows


class UDPQueuesCollector(HostCollector):
    name = "udp_queues"

    def collect(self) -> Iterator[Metric]:
        queues = GaugeMetricFamily(
            "node_udp_queues",
            "Number of allocated memory in the kernel for UDP datagrams in bytes.",
            labels=["ip", "queue"],
        )
        for ip, file in (("v4", "net/udp"), ("v6", "net/udp6")):
            table = read_optional(self.host.proc(file))
            if table is not None:
                tx, rx = queued(table)
                queues.add_metric([ip, "rx"], rx)
                queues.add_metric([ip, "tx"], tx)
        yield queues


def queued(table: str) -> tuple[int, int]:
    """Bytes in the transmit and receive queues over all sockets (column ``tx_queue:rx_queue``)."""
    tx = rx = 0
    for columns in rows(table):
        transmit, _, receive = columns[4].partition(":")
        tx, rx = tx + int(transmit, 16), rx + int(receive, 16)
    return tx, rx

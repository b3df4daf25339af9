"""sockstat: sockets in use per protocol, from /proc/net/sockstat and sockstat6 (node_exporter's).

``mem`` counts pages; node_exporter adds it in bytes as ``mem_bytes``, and so does this.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_optional
from exporter.parsing import word_pairs

PAGE_BYTES = os.sysconf("SC_PAGESIZE")


class SockstatCollector(HostCollector):
    name = "sockstat"

    def collect(self) -> Iterator[Metric]:
        for file in ("net/sockstat", "net/sockstat6"):
            for line in (read_optional(self.host.proc(file)) or "").splitlines():
                protocol, _, rest = line.partition(":")
                yield from protocol_gauges(protocol, word_pairs(rest.split()))


def protocol_gauges(protocol: str, states: dict[str, str]) -> Iterator[GaugeMetricFamily]:
    if protocol == "sockets":
        yield GaugeMetricFamily(
            "node_sockstat_sockets_used", "Number of IPv4 sockets in use.", float(states["used"])
        )
        return
    values = {state: float(value) for state, value in states.items()}
    if "mem" in values:
        values["mem_bytes"] = values["mem"] * PAGE_BYTES
    for state, value in values.items():
        yield GaugeMetricFamily(
            f"node_sockstat_{protocol}_{state}",
            f"Number of {protocol} sockets in state {state}.",
            value,
        )

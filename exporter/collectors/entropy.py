"""entropy: the kernel's random pool, from /proc/sys/kernel/random (node_exporter's)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import file_gauges


class EntropyCollector(HostCollector):
    name = "entropy"

    def collect(self) -> Iterator[Metric]:
        return file_gauges(
            (
                (
                    self.host.proc("sys/kernel/random/entropy_avail"),
                    "node_entropy_available_bits",
                    "Bits of available entropy.",
                ),
                (
                    self.host.proc("sys/kernel/random/poolsize"),
                    "node_entropy_pool_size_bits",
                    "Bits of entropy pool.",
                ),
            )
        )

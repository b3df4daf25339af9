"""filefd: allocated and maximum file handles from /proc/sys/fs/file-nr (node_exporter's)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_text


class FilefdCollector(HostCollector):
    name = "filefd"

    def collect(self) -> Iterator[Metric]:
        # allocated, allocated-but-unused (always 0 since Linux 2.6), maximum
        allocated, _, maximum = read_text(self.host.proc("sys/fs/file-nr")).split()
        for name, value in (("allocated", allocated), ("maximum", maximum)):
            yield GaugeMetricFamily(
                f"node_filefd_{name}", f"File descriptor statistics: {name}.", float(value)
            )

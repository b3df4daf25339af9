"""uname: ``node_uname_info``, from which dashboards build their host pickers."""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_text

# /proc/sys/kernel holds what uname(2) returns, so a fake tree can stand in for it in tests.
# The machine (architecture) has no such file; the running interpreter's is the host's.
KERNEL_FIELDS = {
    "sysname": "ostype",
    "release": "osrelease",
    "version": "version",
    "nodename": "hostname",
    "domainname": "domainname",
}


class UnameCollector(HostCollector):
    name = "uname"

    def collect(self) -> Iterator[Metric]:
        labels = {
            label: read_text(self.host.proc(f"sys/kernel/{file}")).strip()
            for label, file in KERNEL_FIELDS.items()
        }
        labels["machine"] = os.uname().machine
        info = GaugeMetricFamily(
            "node_uname_info",
            "Labeled system information as provided by the uname system call.",
            labels=sorted(labels),
        )
        info.add_metric([labels[name] for name in sorted(labels)], 1.0)
        yield info

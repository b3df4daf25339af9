"""selinux: whether SELinux is enabled and its modes (node_exporter's selinux collector).

Enabled means selinuxfs is mounted (``/sys/fs/selinux/enforce`` exists), as libselinux decides.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_number, read_optional

CONFIG_MODES = {"enforcing": 1.0, "permissive": 0.0, "disabled": -1.0}


class SELinuxCollector(HostCollector):
    name = "selinux"

    def collect(self) -> Iterator[Metric]:
        current = read_number(self.host.sys("fs/selinux/enforce"))
        yield GaugeMetricFamily(
            "node_selinux_enabled",
            "SELinux is enabled, 1 is true, 0 is false",
            float(current is not None),
        )
        if current is None:
            return
        yield GaugeMetricFamily(
            "node_selinux_current_mode",
            "Current SELinux enforcement mode",
            current,
        )
        yield GaugeMetricFamily(
            "node_selinux_config_mode",
            "Configured SELinux enforcement mode",
            CONFIG_MODES.get(self.configured(), -1.0),
        )

    def configured(self) -> str:
        """``SELINUX=`` of /etc/selinux/config."""
        config = read_optional(self.host.root("etc/selinux/config")) or ""
        for line in config.splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "SELINUX":
                return value.strip()
        return "disabled"

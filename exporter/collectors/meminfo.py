"""meminfo: every field of /proc/meminfo as ``node_memory_<Field>[_bytes]``, like node_exporter.

Names keep the kernel's camelCase (``MemTotal``) because every node_exporter dashboard
queries them by those names; compatibility wins over Prometheus's snake_case advice.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_text


class MeminfoCollector(HostCollector):
    name = "meminfo"

    def collect(self) -> Iterator[Metric]:
        for field, value in meminfo_fields(read_text(self.host.proc("meminfo"))):
            yield GaugeMetricFamily(
                f"node_memory_{field}", f"Memory information field {field}.", value
            )


def meminfo_fields(meminfo: str) -> Iterator[tuple[str, float]]:
    """(field, value) per line: ``Active(anon): 4 kB`` becomes (``Active_anon_bytes``, 4096)."""
    for line in meminfo.splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if not parts:
            continue
        field = key.replace("(", "_").replace(")", "")
        if len(parts) > 1 and parts[1] == "kB":
            yield f"{field}_bytes", float(parts[0]) * 1024
        else:
            yield field, float(parts[0])

"""vmstat: paging and OOM counters from /proc/vmstat (node_exporter's vmstat collector).

Only node_exporter's default field selection: the file has some 170 fields, most of them
interesting only to kernel developers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prometheus_client.core import UnknownMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_text
from exporter.parsing import pairs

FIELDS = re.compile(r"^(oom_kill|pgpg|pswp|pg.*fault).*")


class VmstatCollector(HostCollector):
    name = "vmstat"

    def collect(self) -> Iterator[Metric]:
        for key, value in pairs(read_text(self.host.proc("vmstat"))).items():
            if FIELDS.match(key):
                yield UnknownMetricFamily(
                    f"node_vmstat_{key}", f"/proc/vmstat information field {key}.", float(value)
                )

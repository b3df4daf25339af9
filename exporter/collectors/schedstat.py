"""schedstat: per-CPU scheduler time from /proc/schedstat (node_exporter's schedstat collector).

Kernels built without CONFIG_SCHEDSTATS have no such file: then nothing is reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_optional

NANOSECONDS = 1e-9
# The last three columns of each cpuN line: (metric, HELP, scale).
COLUMNS = (
    (
        "node_schedstat_running_seconds",
        "Number of seconds CPU spent running a process.",
        NANOSECONDS,
    ),
    (
        "node_schedstat_waiting_seconds",
        "Number of seconds spent by processing waiting for this CPU.",
        NANOSECONDS,
    ),
    ("node_schedstat_timeslices", "Number of timeslices executed by CPU.", 1.0),
)


class SchedstatCollector(HostCollector):
    name = "schedstat"

    def collect(self) -> Iterator[Metric]:
        text = read_optional(self.host.proc("schedstat"))
        if text is None:
            return
        counters = [CounterMetricFamily(name, doc, labels=["cpu"]) for name, doc, _ in COLUMNS]
        for line in text.splitlines():
            label, *values = line.split()
            if label.startswith("cpu"):
                for counter, (_, _, scale), value in zip(
                    counters, COLUMNS, values[-3:], strict=True
                ):
                    counter.add_metric([label.removeprefix("cpu")], int(value) * scale)
        yield from counters

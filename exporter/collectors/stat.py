"""stat: kernel activity counters from /proc/stat (node_exporter's stat collector)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_text

# /proc/stat key -> (metric family, its name, HELP): counters lose their ``_total`` suffix here
# because prometheus-client adds it.
FIELDS: dict[str, tuple[type[CounterMetricFamily | GaugeMetricFamily], str, str]] = {
    "intr": (CounterMetricFamily, "node_intr", "Total number of interrupts serviced."),
    "ctxt": (CounterMetricFamily, "node_context_switches", "Total number of context switches."),
    "processes": (CounterMetricFamily, "node_forks", "Total number of forks."),
    "btime": (GaugeMetricFamily, "node_boot_time_seconds", "Node boot time, in unixtime."),
    "procs_running": (
        GaugeMetricFamily,
        "node_procs_running",
        "Number of processes in runnable state.",
    ),
    "procs_blocked": (
        GaugeMetricFamily,
        "node_procs_blocked",
        "Number of processes blocked waiting for I/O to complete.",
    ),
}


class StatCollector(HostCollector):
    name = "stat"

    def collect(self) -> Iterator[Metric]:
        for line in read_text(self.host.proc("stat")).splitlines():
            key, _, rest = line.partition(" ")
            if key in FIELDS:
                family, name, help_text = FIELDS[key]
                yield family(name, help_text, value=float(rest.split()[0]))

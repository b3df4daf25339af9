"""conntrack: netfilter's connection tracking table (node_exporter's conntrack collector).

Nothing when the nf_conntrack module is not loaded. The statistics of
/proc/net/stat/nf_conntrack are per CPU, in hexadecimal; they are summed like node_exporter.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import file_gauges
from exporter.host import read_optional
from exporter.parsing import rows

STATISTICS = {
    "found": "Number of searched entries which were successful.",
    "invalid": "Number of packets seen which can not be tracked.",
    "ignore": "Number of packets seen which are already connected to a conntrack entry.",
    "insert": "Number of entries inserted into the list.",
    "insert_failed": "Number of entries for which list insertion was attempted but failed.",
    "drop": "Number of packets dropped due to conntrack failure.",
    "early_drop": "Number of dropped conntrack entries to make room for new ones, "
    "if maximum table size was reached.",
    "search_restart": "Number of conntrack table lookups which had to be restarted "
    "due to hashtable resizes.",
}


class ConntrackCollector(HostCollector):
    name = "conntrack"

    def collect(self) -> Iterator[Metric]:
        yield from file_gauges(
            (
                (
                    self.host.proc("sys/net/netfilter/nf_conntrack_count"),
                    "node_nf_conntrack_entries",
                    "Number of currently allocated flow entries for connection tracking.",
                ),
                (
                    self.host.proc("sys/net/netfilter/nf_conntrack_max"),
                    "node_nf_conntrack_entries_limit",
                    "Maximum size of connection tracking table.",
                ),
            )
        )
        totals = per_cpu_sums(read_optional(self.host.proc("net/stat/nf_conntrack")) or "")
        for key, documentation in STATISTICS.items():
            if key in totals:
                yield GaugeMetricFamily(f"node_nf_conntrack_stat_{key}", documentation, totals[key])


def per_cpu_sums(text: str) -> dict[str, float]:
    """Each column of the per-CPU statistics table summed over the CPUs."""
    lines = text.splitlines()
    if not lines:
        return {}
    header = lines[0].split()
    totals = dict.fromkeys(header, 0.0)
    for values in rows(text):
        for key, value in zip(header, values, strict=False):
            totals[key] += int(value, 16)
    return totals

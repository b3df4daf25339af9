"""softnet: per-CPU packet processing counters from /proc/net/softnet_stat (node_exporter's).

One line per CPU, hexadecimal columns; the CPU label is the line's index like node_exporter's.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import family
from exporter.host import read_text
from exporter.parsing import rows

# column index -> (metric, HELP); received_rps and flow_limit_count are newer node_exporter's.
COLUMNS = {
    0: ("node_softnet_processed_total", "Number of processed packets"),
    1: ("node_softnet_dropped_total", "Number of dropped packets"),
    2: ("node_softnet_times_squeezed_total", "Number of times processing packets ran out of quota"),
    9: ("node_softnet_received_rps_total", "Number of times cpu woken up received_rps"),
    10: ("node_softnet_flow_limit_count_total", "Number of times flow limit has been reached"),
}


class SoftnetCollector(HostCollector):
    name = "softnet"

    def collect(self) -> Iterator[Metric]:
        counters = {column: family(name, text, ["cpu"]) for column, (name, text) in COLUMNS.items()}
        for cpu, values in enumerate(rows(read_text(self.host.proc("net/softnet_stat")), skip=0)):
            for column, counter in counters.items():
                if column < len(values):
                    counter.add_metric([str(cpu)], int(values[column], 16))
        yield from counters.values()

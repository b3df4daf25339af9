"""processes: process and thread counts by state (node_exporter's processes collector).

Off by default, as in node_exporter: it reads /proc/<pid>/stat of every process and
/proc/<pid>/task/<tid>/stat of every thread at each scrape, which costs in proportion to the
number of threads on the host.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import file_gauges
from exporter.proctable import stats


class ProcessesCollector(HostCollector):
    name = "processes"

    def collect(self) -> Iterator[Metric]:
        processes = list(stats(self.host.procfs))
        thread_states = Counter(
            thread.state
            for process in processes
            for thread in stats(self.host.proc(f"{process.pid}/task"))
        )
        yield GaugeMetricFamily("node_processes_pids", "Number of PIDs", len(processes))
        yield GaugeMetricFamily(
            "node_processes_threads",
            "Allocated threads in system",
            sum(process.threads for process in processes),
        )
        yield counted(
            "node_processes_state",
            "Number of processes in each state.",
            "state",
            Counter(p.state for p in processes),
        )
        yield counted(
            "node_processes_threads_state",
            "Number of threads in each state.",
            "thread_state",
            thread_states,
        )
        yield from file_gauges(
            (
                (
                    self.host.proc("sys/kernel/threads-max"),
                    "node_processes_max_threads",
                    "Limit of threads in the system",
                ),
                (
                    self.host.proc("sys/kernel/pid_max"),
                    "node_processes_max_processes",
                    "Number of max PIDs limit",
                ),
            )
        )


def counted(name: str, documentation: str, label: str, counts: Counter[str]) -> GaugeMetricFamily:
    metric = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in sorted(counts.items()):
        metric.add_metric([value], count)
    return metric

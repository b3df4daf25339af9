"""cgroups: CPU, memory, I/O and network of each container and systemd service, as cAdvisor.

Names, types, HELP and labels are cAdvisor's (lib/metrics/prometheus.go), so container
dashboards built on cAdvisor read these series unchanged: ``id`` is the cgroup path, ``name``
and ``image`` come from the Docker/Podman API when its socket is readable (else ``name`` is
the short id from the path, ``image`` empty), and services carry only ``id``, as in cAdvisor.
``container_cpu_usage_seconds_total`` has ``cpu="total"`` (cAdvisor's default, per-CPU off).

Network counters come from /proc/<pid>/net/dev of a process of the cgroup when it is in its own
network namespace (telling needs root or CAP_SYS_PTRACE: /proc/<pid>/ns/net); loopback and the
host side of veth pairs are left out as cAdvisor does. A cgroup sharing the host's namespace
has no network series: they would repeat the host's totals.

Bounded: at most ``--cgroups-max`` cgroups (containers first), the rest counted in
``hostwatch_cgroups_over_limit``; ``--cgroups-include``/``--cgroups-exclude`` filter by path.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter import cgroupstats as stats
from exporter.cgrouptree import Workload, workloads
from exporter.collector import HostCollector
from exporter.collectors.netdev import interfaces
from exporter.config import CollectorOptions
from exporter.engines import EngineNames
from exporter.families import Family, family
from exporter.host import Host, OpenFiles, read_optional

LABELS = ["id", "name", "image"]
HELP = {
    stats.CPU_TOTAL: "Cumulative cpu time consumed in seconds.",
    stats.CPU_USER: "Cumulative user cpu time consumed in seconds.",
    stats.CPU_SYSTEM: "Cumulative system cpu time consumed in seconds.",
    stats.CPU_THROTTLED: "Total time duration the container has been throttled.",
    stats.MEMORY_USAGE: "Current memory usage in bytes, including all memory regardless of "
    "when it was accessed",
    stats.WORKING_SET: "Current working set in bytes.",
    stats.RSS: "Size of RSS in bytes.",
    stats.CACHE: "Number of bytes of page cache memory.",
    stats.SWAP: "Container swap usage in bytes.",
    stats.LIMIT: "Memory limit for the container.",
    stats.OOM: "Count of out of memory events observed for the container",
}
FS_READS, FS_WRITES = "container_fs_reads_bytes_total", "container_fs_writes_bytes_total"
RECEIVE = "container_network_receive_bytes_total"
TRANSMIT = "container_network_transmit_bytes_total"
LAST_SEEN = "container_last_seen"
EXTRA = {
    FS_READS: ("device", "Cumulative count of bytes read"),
    FS_WRITES: ("device", "Cumulative count of bytes written"),
    RECEIVE: ("interface", "Cumulative count of bytes received"),
    TRANSMIT: ("interface", "Cumulative count of bytes transmitted"),
}
API_ENGINES = frozenset({"docker", "podman", "kubernetes"})  # kubernetes: cgroupfs + dockerd
IGNORED_INTERFACES = ("lo", "veth", "docker", "nerdctl")  # cAdvisor's ignoredDevicePrefixes


class CgroupsCollector(HostCollector):
    name = "cgroups"

    def __init__(self, host: Host, options: CollectorOptions | None = None) -> None:
        super().__init__(host, options)
        self.engines = EngineNames(self.options.container_sockets)
        # Half the process's file descriptors at most (the rest serve HTTP and the other
        # collectors); past that, files are opened and closed per read as before.
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        self.files = OpenFiles(limit=soft // 2 if soft != resource.RLIM_INFINITY else 65_536)
        self._lock = threading.Lock()  # kept files are read and swept by one scrape at a time

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            try:
                families = list(self._collect())
            finally:
                self.files.sweep()
        yield from families

    def _collect(self) -> Iterator[Metric]:
        tree = stats.hierarchy(self.host.sys("fs/cgroup"), self.files)
        chosen, over = self.chosen(tree)
        families = self._families()
        devices = DeviceNames(self.host)
        host_netns = _netns(self.host.proc("1/ns/net"))
        seen = float(int(time.time()))  # cAdvisor: Unix seconds
        for workload in chosen:
            try:
                reading = tree.read(workload.path)
            except OSError:
                continue  # removed while read: a container that just stopped
            if not reading.values:
                continue
            labels = self._labels(workload)
            for name, value in reading.values.items():
                extra = ["total"] if name == stats.CPU_TOTAL else []
                families[name].add_metric(labels + extra, value)
            for device, (read, written) in reading.io.items():
                families[FS_READS].add_metric([*labels, devices.name(device)], read)
                families[FS_WRITES].add_metric([*labels, devices.name(device)], written)
            for interface, counters in self._network(tree, workload, host_netns):
                families[RECEIVE].add_metric([*labels, interface], counters["receive_bytes"])
                families[TRANSMIT].add_metric([*labels, interface], counters["transmit_bytes"])
            families[LAST_SEEN].add_metric(labels, seen)
        yield from families.values()
        yield GaugeMetricFamily(
            "hostwatch_cgroups_over_limit",
            "Containers and services found but not reported because of --cgroups-max.",
            value=float(over),
        )

    def chosen(self, tree: stats.Hierarchy) -> tuple[list[Workload], int]:
        """The workloads to report (containers first, then services, each by path) and how
        many more the cap leaves out."""
        found = {w.path: w for root in tree.walked for w in workloads(root)}
        allowed = sorted(
            (w for w in found.values() if self.options.cgroups.allows(w.path)),
            key=lambda w: (w.is_service, w.path),
        )
        cap = self.options.cgroups_max
        return allowed[:cap], max(len(allowed) - cap, 0)

    def _families(self) -> dict[str, Family]:
        families = {
            name: family(name, text, LABELS + (["cpu"] if name == stats.CPU_TOTAL else []))
            for name, text in HELP.items()
        }
        for name, (label, text) in EXTRA.items():
            families[name] = family(name, text, [*LABELS, label])
        families[LAST_SEEN] = family(
            LAST_SEEN, "Last time a container was seen by the exporter", LABELS
        )
        return families

    def _labels(self, workload: Workload) -> list[str]:
        # Only these engines' containers can be in Docker's or Podman's list: asking for the
        # others (containerd, CRI-O, LXC) would only make each unknown id refresh the list.
        known = workload.engine in API_ENGINES
        names = self.engines.lookup(workload.ident) if known else None
        if names is None:
            return [workload.path, workload.default_name, ""]
        return [workload.path, names.name or workload.default_name, names.image]

    def _network(
        self, tree: stats.Hierarchy, workload: Workload, host_netns: str | None
    ) -> Iterator[tuple[str, dict[str, float]]]:
        pid = (self.files.read(tree.procs(workload.path)) or "").split("\n", 1)[0].strip()
        if not pid or host_netns is None:
            return
        netns = _netns(f"{self.host.procfs}/{pid}/ns/net")
        if netns is None or netns == host_netns:
            return
        text = read_optional(f"{self.host.procfs}/{pid}/net/dev")
        for interface, counters in interfaces(text or ""):
            if not interface.lower().startswith(IGNORED_INTERFACES):
                yield interface, counters


class DeviceNames:
    """``/dev/sda`` for "8:0", as cAdvisor labels devices; read once per device per scrape."""

    def __init__(self, host: Host) -> None:
        self._host = host
        self._names: dict[str, str] = {}

    def name(self, device: str) -> str:
        if device not in self._names:
            uevent = read_optional(self._host.sys(f"dev/block/{device}/uevent")) or ""
            found = dict(line.partition("=")[::2] for line in uevent.splitlines())
            # An unknown device keeps its number: two of them must not merge into one series.
            self._names[device] = f"/dev/{found['DEVNAME']}" if "DEVNAME" in found else device
        return self._names[device]


def _netns(link: str | Path) -> str | None:
    """``net:[4026531840]``, the identity of a process's network namespace, if readable."""
    try:
        return os.readlink(link)
    except OSError:
        return None

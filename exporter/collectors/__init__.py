"""The host collectors, one module per area, named as node_exporter names its collectors.

``COLLECTORS`` is the catalogue the ``--collectors-enable``/``--collectors-disable`` flags
choose from; ``DEFAULT_DISABLED`` lists those off unless asked for.
"""

from __future__ import annotations

from collections.abc import Iterable

from exporter.collector import HostCollector
from exporter.collectors.arp import ArpCollector
from exporter.collectors.cgroups import CgroupsCollector
from exporter.collectors.clock import TimeCollector
from exporter.collectors.conntrack import ConntrackCollector
from exporter.collectors.cpu import CPUCollector
from exporter.collectors.diskstats import DiskstatsCollector
from exporter.collectors.entropy import EntropyCollector
from exporter.collectors.filefd import FilefdCollector
from exporter.collectors.filesystem import FilesystemCollector
from exporter.collectors.hwmon import HwmonCollector
from exporter.collectors.loadavg import LoadavgCollector
from exporter.collectors.meminfo import MeminfoCollector
from exporter.collectors.netclass import NetclassCollector
from exporter.collectors.netdev import NetdevCollector
from exporter.collectors.netstat import NetstatCollector
from exporter.collectors.os_release import OSCollector
from exporter.collectors.pressure import PressureCollector
from exporter.collectors.processes import ProcessesCollector
from exporter.collectors.schedstat import SchedstatCollector
from exporter.collectors.selinux import SELinuxCollector
from exporter.collectors.sockstat import SockstatCollector
from exporter.collectors.softnet import SoftnetCollector
from exporter.collectors.stat import StatCollector
from exporter.collectors.textfile import TextfileCollector
from exporter.collectors.thermal_zone import ThermalZoneCollector
from exporter.collectors.timex import TimexCollector
from exporter.collectors.top import TopCollector
from exporter.collectors.udp_queues import UDPQueuesCollector
from exporter.collectors.uname import UnameCollector
from exporter.collectors.vmstat import VmstatCollector
from exporter.config import CollectorOptions
from exporter.host import Host

COLLECTORS: dict[str, type[HostCollector]] = {
    collector.name: collector
    for collector in (
        ArpCollector,
        CgroupsCollector,
        ConntrackCollector,
        CPUCollector,
        DiskstatsCollector,
        EntropyCollector,
        FilefdCollector,
        FilesystemCollector,
        HwmonCollector,
        LoadavgCollector,
        MeminfoCollector,
        NetclassCollector,
        NetdevCollector,
        NetstatCollector,
        OSCollector,
        PressureCollector,
        ProcessesCollector,
        SchedstatCollector,
        SELinuxCollector,
        SockstatCollector,
        SoftnetCollector,
        StatCollector,
        TextfileCollector,
        ThermalZoneCollector,
        TimeCollector,
        TimexCollector,
        TopCollector,
        UDPQueuesCollector,
        UnameCollector,
        VmstatCollector,
    )
}
# node_exporter leaves its processes collector off unless asked; hostwatch does too. top reads
# the same /proc/<pid>/stat files but is on: about 1.5 ms of CPU per scrape at 100 processes
# (15 us a process), and the server page's top-processes panel needs it.
DEFAULT_DISABLED: frozenset[str] = frozenset({"processes"})
DEFAULT_ENABLED = frozenset(COLLECTORS) - DEFAULT_DISABLED


def build(names: Iterable[str], host: Host, options: CollectorOptions) -> list[HostCollector]:
    """The named collectors, in catalogue order, reading ``host``."""
    wanted = set(names)
    return [cls(host, options) for name, cls in sorted(COLLECTORS.items()) if name in wanted]

"""netdev: traffic counters of each network interface from /proc/net/dev (node_exporter's).

node_exporter 1.5 reads these over netlink, which adds ``receive_nohandler``; sysfs has the
same counter per interface, so it is read from there.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import family
from exporter.host import read_number, read_text
from exporter.parsing import rows

COLUMNS = tuple(
    f"{direction}_{name}"
    for direction, names in (
        (
            "receive",
            ("bytes", "packets", "errs", "drop", "fifo", "frame", "compressed", "multicast"),
        ),
        (
            "transmit",
            ("bytes", "packets", "errs", "drop", "fifo", "colls", "carrier", "compressed"),
        ),
    )
    for name in names
)
NOHANDLER = "receive_nohandler"


class NetdevCollector(HostCollector):
    name = "netdev"

    def collect(self) -> Iterator[Metric]:
        counters = {
            column: family(
                f"node_network_{column}_total",
                f"Network device statistic {column}.",
                labels=["device"],
            )
            for column in (*COLUMNS, NOHANDLER)
        }
        for device, values in self.devices():
            for column, value in values.items():
                counters[column].add_metric([device], value)
        yield from counters.values()

    def devices(self) -> Iterator[tuple[str, dict[str, float]]]:
        """(interface, {column: value}) of each interface the filter allows."""
        for device, counters in interfaces(read_text(self.host.proc("net/dev"))):
            if self.options.netdevs.allows(device):
                nohandler = read_number(
                    self.host.sys(f"class/net/{device}/statistics/rx_nohandler")
                )
                if nohandler is not None:
                    counters[NOHANDLER] = nohandler
                yield device, counters


def interfaces(text: str) -> Iterator[tuple[str, dict[str, float]]]:
    """(interface, {column: value}) of each line of a /proc/net/dev (the host's or a process's)."""
    for device, *values in rows(text.replace(":", " "), skip=2):
        yield device, dict(zip(COLUMNS, map(float, values), strict=False))

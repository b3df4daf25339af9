"""netstat: IP, TCP, UDP and ICMP protocol counters (node_exporter's netstat collector).

From /proc/net/netstat and /proc/net/snmp (IPv4 and extensions) and /proc/net/snmp6, limited
to node_exporter's default field selection, and untyped like node_exporter's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prometheus_client.core import UnknownMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import read_optional, read_text
from exporter.parsing import header_tables, pairs

FIELDS = re.compile(
    r"^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)"
    r"|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)"
    r"|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)"
    r"|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$"
)


class NetstatCollector(HostCollector):
    name = "netstat"

    def collect(self) -> Iterator[Metric]:
        for protocol, field, value in self.statistics():
            if FIELDS.match(f"{protocol}_{field}"):
                yield UnknownMetricFamily(
                    f"node_netstat_{protocol}_{field}",
                    f"Statistic {protocol}{field}.",
                    float(value),
                )

    def statistics(self) -> Iterator[tuple[str, str, str]]:
        """(protocol, field, value) of every counter of the three files."""
        for table in ("net/netstat", "net/snmp"):
            yield from header_tables(read_text(self.host.proc(table)))
        yield from snmp6(read_optional(self.host.proc("net/snmp6")) or "")


def snmp6(text: str) -> Iterator[tuple[str, str, str]]:
    """/proc/net/snmp6 glues protocol and field (``Udp6InDatagrams``): split after the ``6``."""
    for name, value in pairs(text).items():
        protocol, six, field = name.partition("6")
        if six:
            yield protocol + six, field, value

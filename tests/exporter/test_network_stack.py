from exporter.collectors.arp import ArpCollector
from exporter.collectors.conntrack import ConntrackCollector
from exporter.collectors.netstat import NetstatCollector
from exporter.collectors.sockstat import PAGE_BYTES, SockstatCollector
from exporter.collectors.softnet import SoftnetCollector
from exporter.collectors.udp_queues import UDPQueuesCollector
from tests.exporter.fakehost import FakeHost, families, samples

NETSTAT = """TcpExt: SyncookiesSent ListenDrops TCPOFOQueue
TcpExt: 1 7 99
IpExt: InNoRoutes InOctets OutOctets
IpExt: 0 332511768 715463
"""
SNMP = """Ip: Forwarding DefaultTTL InReceives
Ip: 2 64 1000
Tcp: RtoAlgorithm ActiveOpens CurrEstab InErrs
Tcp: 1 279 4 3
"""
SNMP6 = """Ip6InReceives                   \t1
Ip6InOctets                     \t128
Udp6InDatagrams                 \t5
"""


def netstat(fake: FakeHost) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    fake.proc("net/netstat", NETSTAT)
    fake.proc("net/snmp", SNMP)
    fake.proc("net/snmp6", SNMP6)
    return samples(NetstatCollector(fake.host))


def test_netstat_names_each_counter_after_its_protocol_and_field(fake: FakeHost) -> None:
    got = netstat(fake)
    assert got[("node_netstat_Tcp_ActiveOpens", ())] == 279
    assert got[("node_netstat_TcpExt_ListenDrops", ())] == 7
    assert got[("node_netstat_IpExt_InOctets", ())] == 332511768


def test_netstat_keeps_only_node_exporters_default_fields(fake: FakeHost) -> None:
    got = {name for name, _ in netstat(fake)}
    assert "node_netstat_TcpExt_TCPOFOQueue" not in got
    assert "node_netstat_Ip_DefaultTTL" not in got
    assert {"node_netstat_Ip_Forwarding", "node_netstat_Tcp_InErrs"} <= got


def test_netstat_splits_snmp6_names_after_the_protocol_version(fake: FakeHost) -> None:
    got = netstat(fake)
    assert got[("node_netstat_Ip6_InOctets", ())] == 128
    assert got[("node_netstat_Udp6_InDatagrams", ())] == 5


def test_netstat_counters_are_untyped_like_node_exporters(fake: FakeHost) -> None:
    fake.proc("net/netstat", NETSTAT)
    fake.proc("net/snmp", SNMP)
    assert {f.type for f in families(NetstatCollector(fake.host)).values()} == {"unknown"}


SOCKSTAT = """sockets: used 31
TCP: inuse 13 orphan 0 tw 23 alloc 16 mem 5
FRAG: inuse 0 memory 0
"""


def test_sockstat_reports_each_protocol_state(fake: FakeHost) -> None:
    fake.proc("net/sockstat", SOCKSTAT)
    fake.proc("net/sockstat6", "TCP6: inuse 2\n")
    got = samples(SockstatCollector(fake.host))
    assert got[("node_sockstat_sockets_used", ())] == 31
    assert got[("node_sockstat_TCP_tw", ())] == 23
    assert got[("node_sockstat_TCP6_inuse", ())] == 2


def test_sockstat_adds_memory_pages_in_bytes(fake: FakeHost) -> None:
    fake.proc("net/sockstat", SOCKSTAT)
    got = samples(SockstatCollector(fake.host))
    assert got[("node_sockstat_TCP_mem_bytes", ())] == 5 * PAGE_BYTES
    assert ("node_sockstat_FRAG_memory_bytes", ()) not in got


SOFTNET = """0000113d 00000002 00000003 0 0 0 0 0 0 0000000a 0000000b
00002c80 00000000 00000000 0 0 0 0 0 0 00000000 00000000
"""


def test_softnet_reads_hexadecimal_counters_per_cpu_line(fake: FakeHost) -> None:
    fake.proc("net/softnet_stat", SOFTNET)
    got = samples(SoftnetCollector(fake.host))
    assert got[("node_softnet_processed_total", (("cpu", "0"),))] == 0x113D
    assert got[("node_softnet_processed_total", (("cpu", "1"),))] == 0x2C80
    assert got[("node_softnet_times_squeezed_total", (("cpu", "0"),))] == 3
    assert got[("node_softnet_received_rps_total", (("cpu", "0"),))] == 10


ARP = """IP address       HW type     Flags       HW address            Mask     Device
10.0.0.1         0x1         0x2         02:fc:00:00:00:02     *        eth0
10.0.0.7         0x1         0x2         02:fc:00:00:00:07     *        eth0
10.1.0.1         0x1         0x2         02:fc:00:00:01:01     *        eth1
"""


def test_arp_counts_entries_per_device(fake: FakeHost) -> None:
    fake.proc("net/arp", ARP)
    got = samples(ArpCollector(fake.host))
    assert got == {
        ("node_arp_entries", (("device", "eth0"),)): 2,
        ("node_arp_entries", (("device", "eth1"),)): 1,
    }


UDP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid ...
  0: 00000000:0044 00000000:0000 07 00000010:00000200 00:00000000 00000000     0        0 1 2
  1: 0100007F:0035 00000000:0000 07 00000001:00000000 00:00000000 00000000     0        0 3 2
"""


def test_udp_queues_sum_the_hexadecimal_queue_sizes_per_ip_version(fake: FakeHost) -> None:
    fake.proc("net/udp", UDP)
    got = samples(UDPQueuesCollector(fake.host))
    assert got[("node_udp_queues", (("ip", "v4"), ("queue", "tx")))] == 0x11
    assert got[("node_udp_queues", (("ip", "v4"), ("queue", "rx")))] == 0x200
    assert ("node_udp_queues", (("ip", "v6"), ("queue", "rx"))) not in got


CONNTRACK_STAT = """entries  found invalid insert drop early_drop search_restart
00000004  00000001 0000000a 00000000 00000002 00000000 00000000
00000004  00000002 0000000b 00000000 00000003 00000000 00000001
"""


def test_conntrack_reports_table_use_and_limit(fake: FakeHost) -> None:
    fake.proc("sys/net/netfilter/nf_conntrack_count", "12\n")
    fake.proc("sys/net/netfilter/nf_conntrack_max", "262144\n")
    got = samples(ConntrackCollector(fake.host))
    assert got[("node_nf_conntrack_entries", ())] == 12
    assert got[("node_nf_conntrack_entries_limit", ())] == 262144


def test_conntrack_statistics_are_summed_over_cpus(fake: FakeHost) -> None:
    fake.proc("net/stat/nf_conntrack", CONNTRACK_STAT)
    got = samples(ConntrackCollector(fake.host))
    assert got[("node_nf_conntrack_stat_invalid", ())] == 0x15
    assert got[("node_nf_conntrack_stat_drop", ())] == 5
    assert got[("node_nf_conntrack_stat_search_restart", ())] == 1


def test_conntrack_without_the_module_reports_nothing(fake: FakeHost) -> None:
    assert samples(ConntrackCollector(fake.host)) == {}

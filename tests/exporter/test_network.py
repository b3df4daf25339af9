from exporter.collectors.netclass import NetclassCollector
from exporter.collectors.netdev import NetdevCollector
from tests.exporter.fakehost import FakeHost, families, samples

NET_DEV = """Inter-|   Receive                                                |  Transmit
 face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop ...
    lo: 2000 20 0 0 0 0 0 0 2000 20 0 0 0 0 0 0
  eth0: 332511768 241066 1 2 3 4 5 6 715463 6936 7 8 9 10 11 12
"""
ETH0 = (("device", "eth0"),)


def test_netdev_reads_every_proc_net_dev_column_as_a_counter(fake: FakeHost) -> None:
    fake.proc("net/dev", NET_DEV)
    got = samples(NetdevCollector(fake.host))
    assert got[("node_network_receive_bytes_total", ETH0)] == 332511768
    assert got[("node_network_receive_multicast_total", ETH0)] == 6
    assert got[("node_network_transmit_colls_total", ETH0)] == 10
    assert got[("node_network_transmit_compressed_total", ETH0)] == 12


def test_netdev_skips_loopback_by_default(fake: FakeHost) -> None:
    fake.proc("net/dev", NET_DEV)
    got = samples(NetdevCollector(fake.host))
    assert {dict(labels)["device"] for _, labels in got} == {"eth0"}


def test_netdev_takes_receive_nohandler_from_sysfs(fake: FakeHost) -> None:
    fake.proc("net/dev", NET_DEV)
    fake.sys("class/net/eth0/statistics/rx_nohandler", "42\n")
    assert samples(NetdevCollector(fake.host))[("node_network_receive_nohandler_total", ETH0)] == 42


def link(fake: FakeHost, device: str, **attributes: str) -> None:
    for name, value in attributes.items():
        fake.sys(f"class/net/{device}/{name}", f"{value}\n")


def test_netclass_reports_mtu_and_speed_in_bytes_per_second(fake: FakeHost) -> None:
    link(fake, "eth0", mtu="1400", speed="1000", operstate="up")
    got = samples(NetclassCollector(fake.host))
    assert got[("node_network_mtu_bytes", ETH0)] == 1400
    assert got[("node_network_speed_bytes", ETH0)] == 125_000_000


def test_netclass_reads_hexadecimal_flags(fake: FakeHost) -> None:
    link(fake, "eth0", flags="0x1003")
    assert samples(NetclassCollector(fake.host))[("node_network_flags", ETH0)] == 0x1003


def test_netclass_up_is_1_only_for_operstate_up(fake: FakeHost) -> None:
    link(fake, "eth0", operstate="up")
    link(fake, "ifb0", operstate="down")
    got = samples(NetclassCollector(fake.host))
    assert got[("node_network_up", ETH0)] == 1
    assert got[("node_network_up", (("device", "ifb0"),))] == 0


def test_netclass_info_carries_the_address_and_state_labels(fake: FakeHost) -> None:
    link(fake, "eth0", address="02:fc:00:00:00:01", broadcast="ff:ff:ff:ff:ff:ff", operstate="up")
    info = families(NetclassCollector(fake.host))["node_network_info"]
    assert info.samples[0].labels == {
        "address": "02:fc:00:00:00:01",
        "broadcast": "ff:ff:ff:ff:ff:ff",
        "device": "eth0",
        "duplex": "",
        "ifalias": "",
        "operstate": "up",
    }


def test_netclass_leaves_out_properties_the_link_lacks(fake: FakeHost) -> None:
    link(fake, "ifb0", mtu="1500", operstate="down")
    got = samples(NetclassCollector(fake.host))
    assert ("node_network_speed_bytes", (("device", "ifb0"),)) not in got
    assert ("node_network_carrier", (("device", "ifb0"),)) not in got


def test_netclass_counts_carrier_changes(fake: FakeHost) -> None:
    link(fake, "eth0", carrier_changes="2", carrier_up_count="1")
    fams = families(NetclassCollector(fake.host))
    assert fams["node_network_carrier_changes"].type == "counter"
    assert fams["node_network_carrier_changes"].samples[0].value == 2

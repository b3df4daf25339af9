from exporter.collectors.loadavg import LoadavgCollector
from exporter.collectors.meminfo import MeminfoCollector
from exporter.collectors.stat import StatCollector
from exporter.collectors.uname import UnameCollector
from tests.exporter.fakehost import FakeHost, families, samples

MEMINFO = """MemTotal:       16384 kB
MemAvailable:    8192 kB
Active(anon):       4 kB
HugePages_Total:    2
Hugepagesize:    2048 kB
"""


def test_meminfo_kilobyte_fields_become_bytes_with_the_bytes_suffix(fake: FakeHost) -> None:
    fake.proc("meminfo", MEMINFO)
    got = samples(MeminfoCollector(fake.host))
    assert got[("node_memory_MemTotal_bytes", ())] == 16384 * 1024
    assert got[("node_memory_Hugepagesize_bytes", ())] == 2048 * 1024


def test_meminfo_parenthesised_names_follow_node_exporter(fake: FakeHost) -> None:
    fake.proc("meminfo", MEMINFO)
    assert samples(MeminfoCollector(fake.host))[("node_memory_Active_anon_bytes", ())] == 4096


def test_meminfo_counts_without_unit_keep_their_name_and_value(fake: FakeHost) -> None:
    fake.proc("meminfo", MEMINFO)
    assert samples(MeminfoCollector(fake.host))[("node_memory_HugePages_Total", ())] == 2


def test_loadavg_reports_the_three_averages(fake: FakeHost) -> None:
    fake.proc("loadavg", "0.50 0.25 0.10 1/100 42\n")
    got = samples(LoadavgCollector(fake.host))
    assert (got[("node_load1", ())], got[("node_load5", ())], got[("node_load15", ())]) == (
        0.5,
        0.25,
        0.1,
    )


STAT = """cpu  1 2 3 4 5 6 7 8 0 0
intr 679648 0 0 0
ctxt 1824488
btime 1795541327
processes 11094
procs_running 3
procs_blocked 1
"""


def test_stat_reports_kernel_counters_and_gauges(fake: FakeHost) -> None:
    fake.proc("stat", STAT)
    got = samples(StatCollector(fake.host))
    assert got == {
        ("node_intr_total", ()): 679648,
        ("node_context_switches_total", ()): 1824488,
        ("node_boot_time_seconds", ()): 1795541327,
        ("node_forks_total", ()): 11094,
        ("node_procs_running", ()): 3,
        ("node_procs_blocked", ()): 1,
    }


def test_stat_counters_are_typed_counter(fake: FakeHost) -> None:
    fake.proc("stat", STAT)
    types = {name: family.type for name, family in families(StatCollector(fake.host)).items()}
    assert types["node_context_switches"] == "counter"
    assert types["node_procs_running"] == "gauge"


def test_uname_info_carries_node_exporters_six_labels(fake: FakeHost) -> None:
    for name, value in {
        "ostype": "Linux",
        "osrelease": "6.1.0",
        "version": "#1 SMP",
        "hostname": "web-1",
        "domainname": "(none)",
    }.items():
        fake.proc(f"sys/kernel/{name}", value + "\n")
    ((key, info),) = samples(UnameCollector(fake.host)).items()
    labels = dict(key[1])
    assert info == 1
    assert set(labels) == {"sysname", "release", "version", "machine", "nodename", "domainname"}
    assert (labels["sysname"], labels["nodename"], labels["domainname"]) == (
        "Linux",
        "web-1",
        "(none)",
    )

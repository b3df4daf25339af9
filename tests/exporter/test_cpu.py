from exporter.collectors.cpu import CPUCollector
from exporter.host import USER_HZ
from tests.exporter.fakehost import FakeHost, families, samples

STAT = """cpu  300 0 200 1000 10 0 5 1 0 0
cpu0 100 2 50 400 5 0 3 1 7 8
cpu1 200 0 150 600 5 0 2 0 0 0
intr 679648 0 0
ctxt 1824488
"""


def test_cpu_seconds_are_ticks_divided_by_user_hz_per_cpu_and_mode(fake: FakeHost) -> None:
    fake.proc("stat", STAT)
    got = samples(CPUCollector(fake.host))
    assert got[("node_cpu_seconds_total", (("cpu", "0"), ("mode", "user")))] == 100 / USER_HZ
    assert got[("node_cpu_seconds_total", (("cpu", "1"), ("mode", "idle")))] == 600 / USER_HZ
    assert got[("node_cpu_seconds_total", (("cpu", "0"), ("mode", "steal")))] == 1 / USER_HZ


def test_cpu_reports_eight_modes_per_cpu_and_skips_the_total_line(fake: FakeHost) -> None:
    fake.proc("stat", STAT)
    got = samples(CPUCollector(fake.host))
    cpu_seconds = [key for key in got if key[0] == "node_cpu_seconds_total"]
    assert len(cpu_seconds) == 16
    assert {dict(labels)["cpu"] for _, labels in cpu_seconds} == {"0", "1"}


def test_cpu_guest_seconds_come_from_the_guest_columns(fake: FakeHost) -> None:
    fake.proc("stat", STAT)
    got = samples(CPUCollector(fake.host))
    assert got[("node_cpu_guest_seconds_total", (("cpu", "0"), ("mode", "user")))] == 7 / USER_HZ
    assert got[("node_cpu_guest_seconds_total", (("cpu", "0"), ("mode", "nice")))] == 8 / USER_HZ


def test_cpu_families_are_counters(fake: FakeHost) -> None:
    fake.proc("stat", STAT)
    assert {name: f.type for name, f in families(CPUCollector(fake.host)).items()} == {
        "node_cpu_seconds": "counter",
        "node_cpu_guest_seconds": "counter",
    }

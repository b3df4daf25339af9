from exporter.collectors.schedstat import SchedstatCollector
from tests.exporter.fakehost import FakeHost, families, samples

SCHEDSTAT = """version 15
timestamp 4295237808
cpu0 0 0 0 0 0 0 2500000000 1500000000 9000
domain0 3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
cpu1 0 0 0 0 0 0 1000000000 0 10
"""
CPU0 = (("cpu", "0"),)


def test_schedstat_reports_running_and_waiting_seconds_per_cpu(fake: FakeHost) -> None:
    fake.proc("schedstat", SCHEDSTAT)
    got = samples(SchedstatCollector(fake.host))
    assert got[("node_schedstat_running_seconds_total", CPU0)] == 2.5
    assert got[("node_schedstat_waiting_seconds_total", CPU0)] == 1.5
    assert got[("node_schedstat_timeslices_total", (("cpu", "1"),))] == 10


def test_schedstat_ignores_the_scheduling_domain_lines(fake: FakeHost) -> None:
    fake.proc("schedstat", SCHEDSTAT)
    running = families(SchedstatCollector(fake.host))["node_schedstat_running_seconds"]
    assert [sample.labels["cpu"] for sample in running.samples] == ["0", "1"]


def test_schedstat_without_the_file_reports_nothing(fake: FakeHost) -> None:
    assert samples(SchedstatCollector(fake.host)) == {}

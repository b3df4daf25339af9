from exporter.collectors.entropy import EntropyCollector
from exporter.collectors.filefd import FilefdCollector
from exporter.collectors.pressure import PressureCollector
from exporter.collectors.vmstat import VmstatCollector
from tests.exporter.fakehost import FakeHost, families, samples

VMSTAT = """nr_free_pages 1000
pgpgin 2834625
pswpout 3
pgfault 6763568
pgmajfault 4536
pgfree 99
oom_kill 1
"""


def test_vmstat_keeps_node_exporters_default_fields(fake: FakeHost) -> None:
    fake.proc("vmstat", VMSTAT)
    got = samples(VmstatCollector(fake.host))
    assert got == {
        ("node_vmstat_pgpgin", ()): 2834625,
        ("node_vmstat_pswpout", ()): 3,
        ("node_vmstat_pgfault", ()): 6763568,
        ("node_vmstat_pgmajfault", ()): 4536,
        ("node_vmstat_oom_kill", ()): 1,
    }


def test_vmstat_fields_are_untyped_like_node_exporters(fake: FakeHost) -> None:
    fake.proc("vmstat", VMSTAT)
    assert {f.type for f in families(VmstatCollector(fake.host)).values()} == {"unknown"}


PRESSURE_IO = """some avg10=0.00 avg60=0.13 avg300=0.20 total=5447748
full avg10=0.00 avg60=0.12 avg300=0.19 total=4934475
"""


def test_pressure_totals_become_seconds_waiting_and_stalled(fake: FakeHost) -> None:
    fake.proc("pressure/io", PRESSURE_IO)
    got = samples(PressureCollector(fake.host))
    assert got[("node_pressure_io_waiting_seconds_total", ())] == 5.447748
    assert got[("node_pressure_io_stalled_seconds_total", ())] == 4.934475


def test_pressure_of_cpu_reports_only_waiting_like_node_exporter(fake: FakeHost) -> None:
    fake.proc("pressure/cpu", "some avg10=1 avg60=1 avg300=1 total=2000000\nfull total=0\n")
    got = samples(PressureCollector(fake.host))
    assert got == {("node_pressure_cpu_waiting_seconds_total", ()): 2.0}


def test_pressure_without_psi_reports_nothing(fake: FakeHost) -> None:
    assert samples(PressureCollector(fake.host)) == {}


def test_filefd_reports_allocated_and_maximum_handles(fake: FakeHost) -> None:
    fake.proc("sys/fs/file-nr", "728\t0\t2466177\n")
    got = samples(FilefdCollector(fake.host))
    assert got == {("node_filefd_allocated", ()): 728, ("node_filefd_maximum", ()): 2466177}


def test_entropy_reports_available_bits_and_pool_size(fake: FakeHost) -> None:
    fake.proc("sys/kernel/random/entropy_avail", "256\n")
    fake.proc("sys/kernel/random/poolsize", "4096\n")
    got = samples(EntropyCollector(fake.host))
    assert got == {
        ("node_entropy_available_bits", ()): 256,
        ("node_entropy_pool_size_bits", ()): 4096,
    }

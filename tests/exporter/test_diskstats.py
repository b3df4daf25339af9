import pytest

from exporter.collectors.diskstats import DiskstatsCollector
from tests.exporter.fakehost import FakeHost, families, samples

DISKSTATS = """   7       0 loop0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
254 0 vda 96132 15899 4517834 35430 47944 33935 4971440 17118 2 10588 53765 12 3 838360 809 9093 406
 254       1 vda1 500 0 4000 10 0 0 0 0 0 10 10 0 0 0 0 0 0
   8       0 sdb 10 1 80 5 20 2 160 7 0 9 12
"""
VDA = (("device", "vda"),)


def test_diskstats_converts_sectors_to_bytes_and_milliseconds_to_seconds(fake: FakeHost) -> None:
    fake.proc("diskstats", DISKSTATS)
    got = samples(DiskstatsCollector(fake.host))
    assert got[("node_disk_read_bytes_total", VDA)] == 4517834 * 512
    assert got[("node_disk_written_bytes_total", VDA)] == 4971440 * 512
    assert got[("node_disk_read_time_seconds_total", VDA)] == 35.43
    assert got[("node_disk_io_time_weighted_seconds_total", VDA)] == 53.765


def test_diskstats_counts_requests_and_in_flight_ios(fake: FakeHost) -> None:
    fake.proc("diskstats", DISKSTATS)
    got = samples(DiskstatsCollector(fake.host))
    assert got[("node_disk_reads_completed_total", VDA)] == 96132
    assert got[("node_disk_writes_merged_total", VDA)] == 33935
    assert got[("node_disk_io_now", VDA)] == 2


def test_diskstats_reports_discards_and_flushes_where_the_kernel_has_them(
    fake: FakeHost,
) -> None:
    fake.proc("diskstats", DISKSTATS)
    got = samples(DiskstatsCollector(fake.host))
    assert got[("node_disk_discarded_sectors_total", VDA)] == 838360
    assert got[("node_disk_flush_requests_total", VDA)] == 9093
    assert ("node_disk_discards_completed_total", (("device", "sdb"),)) not in got
    assert got[("node_disk_io_time_seconds_total", (("device", "sdb"),))] == pytest.approx(0.009)


def test_diskstats_skips_partitions_and_loop_devices_by_default(fake: FakeHost) -> None:
    fake.proc("diskstats", DISKSTATS)
    got = samples(DiskstatsCollector(fake.host))
    assert {dict(labels)["device"] for _, labels in got} == {"vda", "sdb"}


def test_diskstats_types_io_now_as_gauge_and_the_rest_as_counters(fake: FakeHost) -> None:
    fake.proc("diskstats", DISKSTATS)
    types = {name: f.type for name, f in families(DiskstatsCollector(fake.host)).items()}
    assert types["node_disk_io_now"] == "gauge"
    assert types["node_disk_reads_completed"] == "counter"


def test_disk_info_carries_udev_model_and_serial(fake: FakeHost) -> None:
    fake.proc("diskstats", DISKSTATS)
    fake.root(
        "run/udev/data/b8:0", "S:disk/by-id/x\nE:ID_MODEL=Samsung_SSD\nE:ID_SERIAL_SHORT=S3Z\n"
    )
    got = samples(DiskstatsCollector(fake.host))
    info = dict(
        next(
            labels
            for name, labels in got
            if name == "node_disk_info" and ("device", "sdb") in labels
        )
    )
    assert info == {
        "device": "sdb",
        "major": "8",
        "minor": "0",
        "model": "Samsung_SSD",
        "path": "",
        "revision": "",
        "serial": "S3Z",
        "wwn": "",
    }

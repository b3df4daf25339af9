"""diskstats: I/O counters of each block device from /proc/diskstats (node_exporter's collector).

Older kernels have 11 columns, 4.18 adds four for discards and 5.5 two for flushes: a device
gets whichever its kernel reports. ``node_disk_info`` adds udev's model and serial when the
udev database is readable.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import Family, family
from exporter.host import read_optional, read_text
from exporter.parsing import rows

SECTOR_BYTES = 512  # /proc/diskstats counts 512-byte sectors whatever the device's block size
MILLISECONDS = 0.001

# The columns after major, minor and device name: (metric, HELP, scale to the metric's unit).
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("reads_completed_total", "The total number of reads completed successfully.", 1),
    ("reads_merged_total", "The total number of reads merged.", 1),
    ("read_bytes_total", "The total number of bytes read successfully.", SECTOR_BYTES),
    ("read_time_seconds_total", "The total number of seconds spent by all reads.", MILLISECONDS),
    ("writes_completed_total", "The total number of writes completed successfully.", 1),
    ("writes_merged_total", "The number of writes merged.", 1),
    ("written_bytes_total", "The total number of bytes written successfully.", SECTOR_BYTES),
    (
        "write_time_seconds_total",
        "This is the total number of seconds spent by all writes.",
        MILLISECONDS,
    ),
    ("io_now", "The number of I/Os currently in progress.", 1),
    ("io_time_seconds_total", "Total seconds spent doing I/Os.", MILLISECONDS),
    (
        "io_time_weighted_seconds_total",
        "The weighted # of seconds spent doing I/Os.",
        MILLISECONDS,
    ),
    ("discards_completed_total", "The total number of discards completed successfully.", 1),
    ("discards_merged_total", "The total number of discards merged.", 1),
    ("discarded_sectors_total", "The total number of sectors discarded successfully.", 1),
    (
        "discard_time_seconds_total",
        "This is the total number of seconds spent by all discards.",
        MILLISECONDS,
    ),
    (
        "flush_requests_total",
        "The total number of flush requests completed successfully",
        1,
    ),
    (
        "flush_requests_time_seconds_total",
        "This is the total number of seconds spent by all flush requests.",
        MILLISECONDS,
    ),
)
# node_disk_info label -> the udev database property it shows, in label order
UDEV_LABELS = {
    "model": "ID_MODEL",
    "path": "ID_PATH",
    "revision": "ID_REVISION",
    "serial": "ID_SERIAL_SHORT",
    "wwn": "ID_WWN",
}
INFO_LABELS = ["device", "major", "minor", *UDEV_LABELS]


class DiskstatsCollector(HostCollector):
    name = "diskstats"

    def collect(self) -> Iterator[Metric]:
        counters = [
            family(f"node_disk_{name}", text, labels=["device"]) for name, text, _ in COLUMNS
        ]
        info = family("node_disk_info", "Info of /sys/block/<block_device>.", INFO_LABELS)
        for major, minor, device, *columns in rows(read_text(self.host.proc("diskstats")), 0):
            if self.options.disks.allows(device):
                add_columns(counters, device, columns)
                info.add_metric([device, major, minor, *self.udev(major, minor)], 1)
        yield from (counter for counter in counters if counter.samples)
        yield info

    def udev(self, major: str, minor: str) -> list[str]:
        """The udev labels of node_disk_info from the device's udev database entry, or blanks."""
        entry = read_optional(self.host.root(f"run/udev/data/b{major}:{minor}")) or ""
        properties = dict(
            line[2:].partition("=")[::2] for line in entry.splitlines() if line.startswith("E:")
        )
        return [properties.get(key, "") for key in UDEV_LABELS.values()]


def add_columns(counters: list[Family], device: str, columns: list[str]) -> None:
    for counter, (_, _, scale), value in zip(counters, COLUMNS, columns, strict=False):
        counter.add_metric([device], float(value) * scale)

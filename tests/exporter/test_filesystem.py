import os
import threading
import time

from exporter.collectors.filesystem import FilesystemCollector
from exporter.config import CollectorOptions
from tests.exporter.fakehost import FakeHost, samples

MOUNTS = """/dev/vda / ext4 rw,relatime 0 0
proc /proc proc rw,relatime 0 0
tmpfs /run tmpfs rw,nosuid 0 0
/dev/vdb /srv/my\\040data xfs ro,relatime 0 0
/dev/vda / ext4 rw,relatime 0 0
"""
ROOT = (("device", "/dev/vda"), ("fstype", "ext4"), ("mountpoint", "/"))
DATA = (("device", "/dev/vdb"), ("fstype", "xfs"), ("mountpoint", "/srv/my data"))


def volume(blocks: int = 100, free: int = 50, avail: int = 40) -> os.statvfs_result:
    return os.statvfs_result((4096, 4096, blocks, free, avail, 1000, 900, 900, 0, 255))


def collector(fake: FakeHost, timeout: float = 5.0) -> FilesystemCollector:
    fake.proc("1/mounts", MOUNTS)
    filesystem = FilesystemCollector(fake.host, CollectorOptions(mount_timeout=timeout))
    filesystem.statfs = lambda path: volume()
    return filesystem


def test_filesystem_sizes_are_blocks_times_fragment_size(fake: FakeHost) -> None:
    got = samples(collector(fake))
    assert got[("node_filesystem_size_bytes", ROOT)] == 100 * 4096
    assert got[("node_filesystem_free_bytes", ROOT)] == 50 * 4096
    assert got[("node_filesystem_avail_bytes", ROOT)] == 40 * 4096


def test_filesystem_reports_inodes(fake: FakeHost) -> None:
    got = samples(collector(fake))
    assert (got[("node_filesystem_files", ROOT)], got[("node_filesystem_files_free", ROOT)]) == (
        1000,
        900,
    )


def test_filesystem_skips_pseudo_filesystems_and_reports_a_duplicate_mount_once(
    fake: FakeHost,
) -> None:
    got = samples(collector(fake))
    mounted = {dict(labels)["mountpoint"] for name, labels in got if name.endswith("size_bytes")}
    assert mounted == {"/", "/srv/my data"}


def test_filesystem_readonly_comes_from_the_mount_options(fake: FakeHost) -> None:
    got = samples(collector(fake))
    assert got[("node_filesystem_readonly", DATA)] == 1
    assert got[("node_filesystem_readonly", ROOT)] == 0


def test_filesystem_stats_the_mountpoint_under_the_root_filesystem(fake: FakeHost) -> None:
    filesystem = collector(fake)
    paths: list[str] = []

    def recording(path: str) -> os.statvfs_result:
        paths.append(path)
        return volume()

    filesystem.statfs = recording
    list(filesystem.collect())
    assert sorted(paths) == [str(fake.host.root("/")), str(fake.host.root("/srv/my data"))]


def test_filesystem_falls_back_to_proc_mounts_without_pid_1(fake: FakeHost) -> None:
    fake.proc("mounts", "/dev/sda1 /boot ext2 rw 0 0\n")
    filesystem = FilesystemCollector(fake.host)
    filesystem.statfs = lambda path: volume()
    assert [mount.mountpoint for mount in filesystem.mounts()] == ["/boot"]


def test_an_unreadable_mount_is_a_device_error_not_a_failed_collector(fake: FakeHost) -> None:
    filesystem = collector(fake)

    def denied(path: str) -> os.statvfs_result:
        raise PermissionError(13, "Permission denied", path)

    filesystem.statfs = denied
    got = samples(filesystem)
    assert got[("node_filesystem_device_error", ROOT)] == 1
    assert ("node_filesystem_size_bytes", ROOT) not in got


class Hang:
    """A statfs that blocks until released, like a stat of an unreachable NFS server."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, path: str) -> os.statvfs_result:
        self.calls += 1
        self.release.wait(10)
        return volume()


def test_a_hung_mount_costs_the_scrape_no_more_than_the_mount_timeout(fake: FakeHost) -> None:
    filesystem, hang = collector(fake, timeout=0.2), Hang()
    filesystem.statfs = hang
    started = time.monotonic()
    got = samples(filesystem)
    hang.release.set()
    assert time.monotonic() - started < 1.0
    assert got[("node_filesystem_device_error", ROOT)] == 1


def test_a_stuck_mount_gets_no_new_stat_until_the_hung_one_returns(fake: FakeHost) -> None:
    filesystem, hang = collector(fake, timeout=0.1), Hang()
    filesystem.statfs = hang
    list(filesystem.collect())
    list(filesystem.collect())
    assert hang.calls == 2  # one per mount, none started by the second scrape
    assert filesystem.stuck == {"/", "/srv/my data"}
    hang.release.set()
    deadline = time.monotonic() + 5
    while filesystem.stuck and time.monotonic() < deadline:
        time.sleep(0.01)
    assert samples(filesystem)[("node_filesystem_device_error", ROOT)] == 0

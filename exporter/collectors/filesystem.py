"""filesystem: size, free space and inodes of each mounted filesystem (node_exporter's collector).

A stat of a hung network mount blocks in the kernel until the server answers, possibly forever.
Each stat therefore runs in its own worker thread and the scrape waits for it at most
``options.mount_timeout`` seconds. A mount that times out is reported with device_error 1 and
remembered as stuck: until its hung stat returns, later scrapes report it at once without
starting another thread, so a dead NFS server parks one thread, not one per scrape
(node_exporter's ``stuckMounts``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.config import CollectorOptions
from exporter.host import Host, read_text
from exporter.parsing import rows, unescape

log = logging.getLogger(__name__)

LABELS = ["device", "fstype", "mountpoint"]
USAGE_HELP = {
    "size_bytes": "Filesystem size in bytes.",
    "free_bytes": "Filesystem free space in bytes.",
    "avail_bytes": "Filesystem space available to non-root users in bytes.",
    "files": "Filesystem total file nodes.",
    "files_free": "Filesystem total free file nodes.",
}
StatFS = Callable[[str], os.statvfs_result]


@dataclass(frozen=True)
class Mount:
    device: str
    mountpoint: str
    fstype: str
    readonly: bool

    @property
    def labels(self) -> list[str]:
        return [self.device, self.fstype, self.mountpoint]


class FilesystemCollector(HostCollector):
    name = "filesystem"

    def __init__(self, host: Host, options: CollectorOptions | None = None) -> None:
        super().__init__(host, options)
        self.statfs: StatFS = os.statvfs  # replaceable, so tests can make a mount hang
        self._stuck: set[str] = set()
        self._lock = threading.Lock()

    def collect(self) -> Iterator[Metric]:
        error = GaugeMetricFamily(
            "node_filesystem_device_error",
            "Whether an error occurred while getting statistics for the given device.",
            labels=LABELS,
        )
        readonly = GaugeMetricFamily(
            "node_filesystem_readonly", "Filesystem read-only status.", labels=LABELS
        )
        usage = {
            key: GaugeMetricFamily(f"node_filesystem_{key}", text, labels=LABELS)
            for key, text in USAGE_HELP.items()
        }
        for mount in self.mounts():
            stats = self.usage(mount.mountpoint)
            error.add_metric(mount.labels, 0.0 if stats else 1.0)
            readonly.add_metric(mount.labels, float(mount.readonly))
            for key, value in (stats or {}).items():
                usage[key].add_metric(mount.labels, value)
        yield from usage.values()
        yield error
        yield readonly

    def mounts(self) -> list[Mount]:
        """The mounts passing the filters, each device/mountpoint pair once."""
        seen: dict[tuple[str, str], Mount] = {}
        for mount in parse_mounts(self._mount_table()):
            allowed = self.options.mounts.allows(mount.mountpoint) and self.options.fstypes.allows(
                mount.fstype
            )
            if allowed:
                seen.setdefault((mount.device, mount.mountpoint), mount)
        return list(seen.values())

    def _mount_table(self) -> str:
        # PID 1's view is the host's even when the exporter runs in its own mount namespace.
        try:
            return read_text(self.host.proc("1/mounts"))
        except (FileNotFoundError, PermissionError):
            return read_text(self.host.proc("mounts"))

    def usage(self, mountpoint: str) -> dict[str, float] | None:
        """The usage figures of one mount, or None when it errs, hangs or is still stuck."""
        with self._lock:
            if mountpoint in self._stuck:
                log.debug("mount point %s is still unresponsive", mountpoint)
                return None
        outcome: list[os.statvfs_result | OSError] = []
        done = threading.Event()
        worker = threading.Thread(
            target=self._stat,
            args=(mountpoint, outcome, done),
            name=f"statfs {mountpoint}",
            daemon=True,  # a stat hung in the kernel must not keep the exporter from exiting
        )
        worker.start()
        if not done.wait(self.options.mount_timeout):
            with self._lock:
                if not done.is_set():
                    log.warning("statfs of %s timed out, marking it stuck", mountpoint)
                    self._stuck.add(mountpoint)
                    return None
        return figures(outcome[0], mountpoint)

    def _stat(
        self, mountpoint: str, outcome: list[os.statvfs_result | OSError], done: threading.Event
    ) -> None:
        try:
            outcome.append(self.statfs(str(self.host.root(mountpoint))))
        except OSError as error:
            outcome.append(error)
        finally:
            with self._lock:
                self._stuck.discard(mountpoint)
                done.set()

    @property
    def stuck(self) -> frozenset[str]:
        """Mount points whose stat timed out and has not returned yet."""
        with self._lock:
            return frozenset(self._stuck)


def figures(result: os.statvfs_result | OSError, mountpoint: str) -> dict[str, float] | None:
    if isinstance(result, OSError):
        log.debug("statfs of %s failed: %s", mountpoint, result)
        return None
    return {
        "size_bytes": float(result.f_blocks * result.f_frsize),
        "free_bytes": float(result.f_bfree * result.f_frsize),
        "avail_bytes": float(result.f_bavail * result.f_frsize),
        "files": float(result.f_files),
        "files_free": float(result.f_ffree),
    }


def parse_mounts(table: str) -> Iterator[Mount]:
    """The mounts of a /proc/<pid>/mounts table."""
    for device, mountpoint, fstype, options, *_ in rows(table, skip=0):
        yield Mount(unescape(device), unescape(mountpoint), fstype, "ro" in options.split(","))

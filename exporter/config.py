"""The exporter's configuration, parsed once into frozen dataclasses.

Defaults come first (node_exporter's, where it has one); :func:`compile_filter` validates the
patterns and names the flag in its error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exporter.errors import ConfigError
from exporter.host import Host

# node_exporter's defaults, plus tmpfs: a tmpfs is memory, already shown as memory, and a
# host has dozens of them that would only crowd the "fullest filesystem" view.
MOUNT_EXCLUDE = (
    r"^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)"
)
FSTYPE_EXCLUDE = (
    r"^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
    r"iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|"
    r"sysfs|tmpfs|tracefs)$"
)
NETDEV_EXCLUDE = r"^lo$"
DISK_EXCLUDE = r"^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$"
CONTAINER_SOCKETS = ("/var/run/docker.sock", "/run/podman/podman.sock")


@dataclass(frozen=True)
class Filter:
    """Names pass when they match ``include`` (if any) and do not match ``exclude`` (if any)."""

    include: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None

    def allows(self, name: str) -> bool:
        if self.include is not None and not self.include.search(name):
            return False
        return self.exclude is None or not self.exclude.search(name)


def compile_filter(flag: str, include: str, exclude: str) -> Filter:
    """A :class:`Filter` from two regular expressions (empty means none)."""
    return Filter(_compile(f"{flag}-include", include), _compile(f"{flag}-exclude", exclude))


def _compile(flag: str, pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern) if pattern else None
    except re.error as error:
        raise ConfigError(f"--{flag}: invalid regular expression {pattern!r}: {error}") from None


@dataclass(frozen=True)
class CollectorOptions:
    """What individual collectors are told: which devices to report and their bounds."""

    mounts: Filter = field(default_factory=lambda: Filter(exclude=re.compile(MOUNT_EXCLUDE)))
    fstypes: Filter = field(default_factory=lambda: Filter(exclude=re.compile(FSTYPE_EXCLUDE)))
    netdevs: Filter = field(default_factory=lambda: Filter(exclude=re.compile(NETDEV_EXCLUDE)))
    disks: Filter = field(default_factory=lambda: Filter(exclude=re.compile(DISK_EXCLUDE)))
    mount_timeout: float = 5.0
    top_processes: int = 5
    textfile_directory: str = ""  # node_exporter's --collector.textfile.directory; "" reads none
    cgroups: Filter = field(default_factory=Filter)  # by cgroup path
    cgroups_max: int = 200
    container_sockets: tuple[str, ...] = CONTAINER_SOCKETS


@dataclass(frozen=True)
class ExporterConfig:
    """Everything ``hostwatch-exporter`` runs with."""

    listen_host: str = "0.0.0.0"  # an exporter exists to be scraped from other machines
    listen_port: int = 9110
    collectors: frozenset[str] = frozenset()
    options: CollectorOptions = field(default_factory=CollectorOptions)
    host: Host = field(default_factory=Host)
    max_requests: int = 40
    web_config_file: str = ""

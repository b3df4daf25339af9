"""Where collectors read the machine from.

Collectors never open ``/proc`` or ``/sys`` directly: they ask a :class:`Host`, so tests point
them at a fake tree and a containerised exporter reads the host's ``/proc`` mounted elsewhere
(node_exporter's ``--path.procfs``/``--path.sysfs``/``--path.rootfs``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

USER_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
"""Clock ticks per second: the unit of the CPU times in /proc/stat."""


@dataclass(frozen=True)
class Host:
    """The roots of the proc, sys and root filesystems of the monitored machine."""

    procfs: Path = Path("/proc")
    sysfs: Path = Path("/sys")
    rootfs: Path = Path("/")

    def proc(self, relative: str) -> Path:
        return self.procfs / relative

    def sys(self, relative: str) -> Path:
        return self.sysfs / relative

    def root(self, relative: str) -> Path:
        return self.rootfs / relative.lstrip("/")


def read_text(path: Path) -> str:
    """The whole file; sysfs and procfs files are small and read in one call."""
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()


def read_optional(path: Path) -> str | None:
    """The file's text, or None where the kernel does not provide it."""
    try:
        return read_text(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


READ_SIZE = 65536


def read_small(path: str) -> str | None:
    """Like :func:`read_optional` at a third of its cost, for collectors that read thousands of
    small files per scrape (cgroups): plain read(2) calls, no buffered text layer."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        chunks = [os.read(descriptor, READ_SIZE)]
        # The kernel's seq files fill the whole buffer while there is more: a short read is
        # the end, which saves the empty read that would otherwise confirm it.
        while len(chunks[-1]) == READ_SIZE:
            chunks.append(os.read(descriptor, READ_SIZE))
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(descriptor)


def read_number(path: Path) -> float | None:
    """A file holding one number (most of sysfs), or None where missing or unreadable."""
    try:
        return float(read_text(path).strip())
    except (OSError, ValueError):
        return None

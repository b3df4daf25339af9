"""Where collectors read the machine from.

Collectors never open ``/proc`` or ``/sys`` directly: they ask a :class:`Host`, so tests point
them at a fake tree and a containerised exporter reads the host's ``/proc`` mounted elsewhere
(node_exporter's ``--path.procfs``/``--path.sysfs``/``--path.rootfs``).
"""

from __future__ import annotations

import os
import weakref
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


READ_SIZE = 65536


def read_text(path: str | Path) -> str:
    """The whole file, raising OSError as open(2) does. Plain open/read/close calls, with no
    buffered text layer: a third of ``open().read()``'s cost, which shows when a scrape reads
    hundreds of small sysfs and cgroup files."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        chunks = [os.read(descriptor, READ_SIZE)]
        # The kernel's seq files fill the whole buffer while there is more, and a regular file
        # reads short only at its end: a short read is the end, which saves the empty read that
        # would otherwise confirm it.
        while len(chunks[-1]) == READ_SIZE:
            chunks.append(os.read(descriptor, READ_SIZE))
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(descriptor)


def read_optional(path: str | Path) -> str | None:
    """The file's text, or None where the kernel does not provide it."""
    try:
        return read_text(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


class OpenFiles:
    """Files kept open from one scrape to the next and re-read with pread(2) at offset 0,
    which makes the kernel generate a seq file afresh: a fifth of the cost of open, read and
    close, for the files the cgroups collector reads of every container on every scrape.

    Not thread-safe: one scrape at a time (the caller holds a lock). At most ``limit`` files
    are kept (the rest are read the plain way); :meth:`sweep` after a scrape closes the files
    that scrape did not read, so a removed container's files do not stay open.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._kept: dict[str, int] = {}
        self._read: set[str] = set()
        # Closed with their owner (a collector dropped by a test, or at exit), not leaked.
        weakref.finalize(self, _close_all, self._kept)

    def read(self, path: str) -> str | None:
        """The file's text, or None where it does not exist (as :func:`read_optional`)."""
        descriptor = self._kept.get(path)
        if descriptor is not None:
            try:
                return self._pread(path, descriptor)
            except OSError:
                # ENODEV: the cgroup was removed since (a container stopped, or restarted under
                # the same path, whose new file the open below finds).
                self._close(path)
        if len(self._kept) >= self._limit:
            return read_optional(path)
        try:
            self._kept[path] = os.open(path, os.O_RDONLY)
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            return self._pread(path, self._kept[path])
        except OSError:
            self._close(path)
            raise

    def sweep(self) -> None:
        """Close every kept file not read since the last sweep."""
        for path in [path for path in self._kept if path not in self._read]:
            self._close(path)
        self._read.clear()

    def _pread(self, path: str, descriptor: int) -> str:
        chunks = [os.pread(descriptor, READ_SIZE, 0)]
        while len(chunks[-1]) == READ_SIZE:  # a short read is the end, as in read_text
            chunks.append(os.pread(descriptor, READ_SIZE, READ_SIZE * len(chunks)))
        self._read.add(path)
        return b"".join(chunks).decode("utf-8", "replace")

    def _close(self, path: str) -> None:
        os.close(self._kept.pop(path))
        self._read.discard(path)


def _close_all(kept: dict[str, int]) -> None:
    for descriptor in kept.values():
        os.close(descriptor)
    kept.clear()


def read_number(path: Path) -> float | None:
    """A file holding one number (most of sysfs), or None where missing or unreadable."""
    try:
        return float(read_text(path).strip())
    except (OSError, ValueError):
        return None

"""Real cgroups for the exporter's benchmark and its real-cgroup test: made in every hierarchy
the cgroups collector reads, and removed afterwards.

Needs root and a writable cgroup filesystem (v1: the cpuacct, cpu, memory and blkio
hierarchies; v2: the unified one). The benchmark's containers are shaped like Docker's, under
``/hostwatch-bench-<random>/docker/``, each with a sleeping process in a network namespace of
its own, as a container has.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
V1 = ("cpuacct", "cpu", "memory", "blkio")


def roots() -> list[Path]:
    if (CGROUP / "cgroup.controllers").exists():
        return [CGROUP]
    return [CGROUP / controller for controller in V1]


@dataclass(frozen=True)
class Cgroup:
    path: str  # the cgroup path: the collector's id label
    leaves: tuple[Path, ...]  # its directory in each hierarchy
    made: tuple[Path, ...]  # every directory created for it, in order


def make(path: str, memory_limit: int | None = None) -> Cgroup:
    """``path`` in every hierarchy, its missing directories created; ``memory_limit`` (bytes)
    on its top directory. On an OSError what was made is removed again."""
    v2 = roots() == [CGROUP]
    parts = path.lstrip("/").split("/")
    made: list[Path] = []
    try:
        for root in roots():
            for depth in range(1, len(parts) + 1):
                directory = root.joinpath(*parts[:depth])
                if directory.exists():  # v1's cpu and cpuacct may be one hierarchy
                    continue
                directory.mkdir()
                made.append(directory)
                if v2 and depth < len(parts):  # v2 passes a child only the controllers asked
                    (directory / "cgroup.subtree_control").write_text("+cpu +memory +io")
        if memory_limit is not None:
            top = CGROUP / parts[0] if v2 else CGROUP / "memory" / parts[0]
            (top / ("memory.max" if v2 else "memory.limit_in_bytes")).write_text(str(memory_limit))
    except OSError:
        remove(made)
        raise
    return Cgroup(path, tuple(root.joinpath(*parts) for root in roots()), tuple(made))


def remove(made: Sequence[Path]) -> None:
    """The directories ``made``, the deepest first."""
    for directory in reversed(made):
        for _ in range(100):  # a killed process leaves its cgroup a moment later
            try:
                directory.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.05)


class Containers:
    """Adds cgroups with a process in each; ``close`` kills the processes and removes them."""

    def __init__(self) -> None:
        self.top = f"hostwatch-bench-{secrets.token_hex(4)}"
        self.made: list[Path] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        # unshare(1) gives the process its own network namespace: the collector then reads
        # /proc/<pid>/net/dev for it, as for a container.
        unshare = shutil.which("unshare")
        self.command = [unshare, "--net", "sleep", "3600"] if unshare else ["sleep", "3600"]

    def grow(self, count: int) -> None:
        """Up to ``count`` containers in all."""
        while len(self.processes) < count:
            self._add()

    def _add(self) -> None:
        cgroup = make(f"/{self.top}/docker/{secrets.token_hex(32)}")
        self.made.extend(cgroup.made)
        process = subprocess.Popen(self.command)
        self.processes.append(process)
        for leaf in cgroup.leaves:
            (leaf / "cgroup.procs").write_text(str(process.pid))

    def close(self) -> None:
        for process in self.processes:
            process.kill()
        for process in self.processes:
            process.wait(timeout=10)
        remove(self.made)


@contextmanager
def containers() -> Iterator[Containers]:
    made = Containers()
    try:
        yield made
    finally:
        made.close()

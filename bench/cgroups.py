"""Real cgroups shaped like Docker's for the exporter benchmark, each with a sleeping process
in a network namespace of its own, as a container has; removed afterwards.

Needs root and a writable cgroup filesystem (v1: the cpuacct, cpu, memory and blkio
hierarchies; v2: the unified one). The cgroups sit under ``/hostwatch-bench-<random>/docker/``.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
V1 = ("cpuacct", "cpu", "memory", "blkio")


def roots() -> list[Path]:
    if (CGROUP / "cgroup.controllers").exists():
        return [CGROUP]
    return [CGROUP / controller for controller in V1]


class Containers:
    """Adds cgroups with a process in each; ``close`` kills the processes and removes them."""

    def __init__(self) -> None:
        self.top = f"hostwatch-bench-{secrets.token_hex(4)}"
        self.made: list[Path] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        self.v2 = roots() == [CGROUP]
        # unshare(1) gives the process its own network namespace: the collector then reads
        # /proc/<pid>/net/dev for it, as for a container.
        unshare = shutil.which("unshare")
        self.command = [unshare, "--net", "sleep", "3600"] if unshare else ["sleep", "3600"]

    def grow(self, count: int) -> None:
        """Up to ``count`` containers in all."""
        while len(self.processes) < count:
            self._add()

    def _add(self) -> None:
        ident = secrets.token_hex(32)
        for root in roots():
            for relative in (self.top, f"{self.top}/docker", f"{self.top}/docker/{ident}"):
                directory = root / relative
                if not directory.exists():
                    directory.mkdir()
                    self.made.append(directory)
                    if self.v2 and relative != f"{self.top}/docker/{ident}":
                        (directory / "cgroup.subtree_control").write_text("+cpu +memory +io")
        process = subprocess.Popen(self.command)
        self.processes.append(process)
        for root in roots():
            (root / self.top / "docker" / ident / "cgroup.procs").write_text(str(process.pid))

    def close(self) -> None:
        for process in self.processes:
            process.kill()
        for process in self.processes:
            process.wait(timeout=10)
        for directory in reversed(self.made):
            for _ in range(100):  # a killed process leaves its cgroup a moment later
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


@contextmanager
def containers() -> Iterator[Containers]:
    made = Containers()
    try:
        yield made
    finally:
        made.close()

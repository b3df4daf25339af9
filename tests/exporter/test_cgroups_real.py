"""The cgroups collector on a real cgroup this test creates, with a busy process moved into it.

It needs root and a writable cgroup filesystem; on a machine without them it skips (and fails
in CI, where the machine is of this kind). The cgroup gets a 256 MiB memory limit of its own
and is removed afterwards.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from exporter.collectors.cgroups import CgroupsCollector
from exporter.config import CollectorOptions, compile_filter
from exporter.host import Host
from tests.conftest import unavailable
from tests.exporter.fakehost import samples

pytestmark = pytest.mark.slow

CGROUP = Path("/sys/fs/cgroup")
# Spins until killed after allocating 48 MiB, once it is told (after the move) to start, so
# the memory is charged to the new cgroup.
BUSY = "import sys; sys.stdin.readline(); held = bytearray(48 * 2**20); held[::4096] = b'x' * (len(held) // 4096)\nwhile True: pass"  # noqa: E501


@dataclass(frozen=True)
class RealCgroup:
    path: str  # the cgroup path: the id label
    leaves: tuple[Path, ...]  # its directory in each hierarchy
    made: tuple[Path, ...]  # every directory created, in order


V1 = ((CGROUP / "cpuacct", ""), (CGROUP / "memory", "memory.limit_in_bytes"))


def make(path: str) -> RealCgroup:
    """``path`` in the hierarchies the collector reads CPU and memory from; its top directory
    (made for the test) limits memory to 256 MiB."""
    v2 = (CGROUP / "cgroup.controllers").exists()
    roots = [(CGROUP, "memory.max")] if v2 else list(V1)
    parts = path.lstrip("/").split("/")
    made: list[Path] = []
    try:
        for root, limit in roots:
            for depth in range(1, len(parts) + 1):
                made.append(root.joinpath(*parts[:depth]))
                made[-1].mkdir()
                if v2 and depth < len(parts):  # v2 passes a child only the controllers asked
                    (made[-1] / "cgroup.subtree_control").write_text("+cpu +memory")
            if limit:
                (root / parts[0] / limit).write_text(str(256 * 2**20))
    except OSError as error:
        remove(made)
        unavailable(f"creating a cgroup under {CGROUP} ({error.strerror}; needs root)")
    return RealCgroup(path, tuple(root.joinpath(*parts) for root, _ in roots), tuple(made))


def remove(made: list[Path] | tuple[Path, ...]) -> None:
    for directory in reversed(made):
        for _ in range(50):  # a killed process leaves its cgroup a moment later
            try:
                directory.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.05)


@pytest.fixture
def cgroup() -> Iterator[RealCgroup]:
    ident = secrets.token_hex(32)
    made = make(f"/hostwatch-test-{ident[:8]}/docker/{ident}")
    try:
        yield made
    finally:
        remove(made.made)


def test_a_busy_process_in_a_real_cgroup_shows_growing_cpu_and_its_memory(
    cgroup: RealCgroup,
) -> None:
    options = CollectorOptions(
        container_sockets=(), cgroups=compile_filter("cgroups", "^/hostwatch-test-", "")
    )
    collector = CgroupsCollector(Host(), options)
    with subprocess.Popen([sys.executable, "-c", BUSY], stdin=subprocess.PIPE) as child:
        try:
            for leaf in cgroup.leaves:
                (leaf / "cgroup.procs").write_text(str(child.pid))
            assert child.stdin is not None
            child.stdin.write(b"go\n")
            child.stdin.flush()
            first = cpu_seconds(collector, cgroup.path)
            grown = first
            deadline = time.monotonic() + 10
            while grown < first + 0.2 and time.monotonic() < deadline:
                time.sleep(0.1)
                grown = cpu_seconds(collector, cgroup.path)
            assert grown >= first + 0.2
            assert memory_bytes(collector, cgroup.path) >= 48 * 2**20
        finally:
            child.kill()


def test_a_container_restarted_under_the_same_path_is_read_afresh(cgroup: RealCgroup) -> None:
    options = CollectorOptions(
        container_sockets=(), cgroups=compile_filter("cgroups", "^/hostwatch-test-", "")
    )
    collector = CgroupsCollector(Host(), options)
    assert memory_bytes(collector, cgroup.path) >= 0  # its files are now kept open
    for leaf in cgroup.leaves:  # what `docker restart` does to the container's cgroup
        leaf.rmdir()
        leaf.mkdir()
    assert memory_bytes(collector, cgroup.path) >= 0  # not skipped as removed


def value(collector: CgroupsCollector, name: str, path: str) -> float:
    got = samples(collector).items()
    found = [v for (n, labels), v in got if n == name and dict(labels)["id"] == path]
    assert len(found) == 1, f"{name} of {path}: {found}"
    return found[0]


def cpu_seconds(collector: CgroupsCollector, path: str) -> float:
    return value(collector, "container_cpu_usage_seconds_total", path)


def memory_bytes(collector: CgroupsCollector, path: str) -> float:
    return value(collector, "container_memory_usage_bytes", path)

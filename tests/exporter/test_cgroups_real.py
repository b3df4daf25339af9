"""The cgroups collector on a real cgroup this test creates, with a busy process moved into it.

It needs root and a writable cgroup filesystem; on a machine without them it skips (and fails
in CI, where the machine is of this kind). The cgroup (made by bench/cgroups.py, which the
benchmark's containers use too) gets a 256 MiB memory limit of its own and is removed
afterwards.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from bench.cgroups import CGROUP, Cgroup, make, remove
from exporter.collectors.cgroups import CgroupsCollector
from exporter.config import CollectorOptions, compile_filter
from exporter.host import Host
from tests.conftest import unavailable
from tests.exporter.fakehost import samples

pytestmark = pytest.mark.slow

# Spins until killed after allocating 48 MiB, once it is told (after the move) to start, so
# the memory is charged to the new cgroup.
BUSY = "import sys; sys.stdin.readline(); held = bytearray(48 * 2**20); held[::4096] = b'x' * (len(held) // 4096)\nwhile True: pass"  # noqa: E501


@pytest.fixture
def cgroup() -> Iterator[Cgroup]:
    ident = secrets.token_hex(32)
    try:
        made = make(f"/hostwatch-test-{ident[:8]}/docker/{ident}", memory_limit=256 * 2**20)
    except OSError as error:
        unavailable(f"creating a cgroup under {CGROUP} ({error.strerror}; needs root)")
    try:
        yield made
    finally:
        remove(made.made)


def test_a_busy_process_in_a_real_cgroup_shows_growing_cpu_and_its_memory(
    cgroup: Cgroup,
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


def test_a_container_restarted_under_the_same_path_is_read_afresh(cgroup: Cgroup) -> None:
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

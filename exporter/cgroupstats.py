"""One cgroup's CPU, memory and I/O from its controller files, on cgroup v2 and v1.

Values are keyed by cAdvisor's metric names and computed as cAdvisor (libcontainer) computes
them: on v2 ``rss`` is memory.stat's ``anon``, ``cache`` its ``file``; on v1 the hierarchical
``total_rss``/``total_cache``/``total_swap``; the working set is usage minus inactive file
memory, floored at 0; a limit above 2^62 (v1's "unlimited" 9223372036854771712, v2's ``max``)
is reported as 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from exporter.host import USER_HZ, OpenFiles
from exporter.parsing import assignments, pairs

UNLIMITED_ABOVE = 2**62
"""cAdvisor's specMemoryValue: a limit above this is "none" and reported as 0."""

# Each metric name appears once here: the collector's families are keyed by these.
CPU_TOTAL = "container_cpu_usage_seconds_total"
CPU_USER = "container_cpu_user_seconds_total"
CPU_SYSTEM = "container_cpu_system_seconds_total"
CPU_THROTTLED = "container_cpu_cfs_throttled_seconds_total"
MEMORY_USAGE = "container_memory_usage_bytes"
WORKING_SET = "container_memory_working_set_bytes"
RSS = "container_memory_rss"
CACHE = "container_memory_cache"
SWAP = "container_memory_swap"
LIMIT = "container_spec_memory_limit_bytes"
OOM = "container_oom_events_total"


@dataclass
class Reading:
    """What one cgroup's files said: ``values`` by metric name, ``io`` by "major:minor"."""

    values: dict[str, float] = field(default_factory=dict)
    io: dict[str, tuple[float, float]] = field(default_factory=dict)  # (read, written) bytes


class _Files:
    """A hierarchy's root, and the kept-open files its controller files are read through."""

    def __init__(self, root: Path, files: OpenFiles) -> None:
        self.root = str(root)
        self._text = files.read

    def _pairs(self, path: str) -> dict[str, str]:
        return pairs(self._text(path) or "")

    def _number(self, path: str) -> float | None:
        text = self._text(path)
        return float(text) if text is not None and text.strip() else None


class CgroupV2(_Files):
    """The unified hierarchy (``cgroup.controllers`` at its root)."""

    version = 2

    def __init__(self, root: Path, files: OpenFiles) -> None:
        super().__init__(root, files)
        self.walked = (root,)

    def procs(self, path: str) -> str:
        return f"{self.root}{path}/cgroup.procs"

    def read(self, path: str) -> Reading:
        # Plain strings, not Paths: building ~10 paths per cgroup per scrape shows in profiles.
        directory = f"{self.root}{path}/"
        reading = Reading()
        values = reading.values
        cpu = self._pairs(directory + "cpu.stat")
        for name, key in ((CPU_TOTAL, "usage_usec"), (CPU_USER, "user_usec"),
                          (CPU_SYSTEM, "system_usec")):  # fmt: skip
            if key in cpu:
                values[name] = float(cpu[key]) / 1e6
        if float(cpu.get("nr_periods", 0)) > 0:  # periods are counted only under a quota
            values[CPU_THROTTLED] = float(cpu.get("throttled_usec", 0)) / 1e6
        usage = self._number(directory + "memory.current")
        if usage is not None:
            stat = self._pairs(directory + "memory.stat")
            _memory(values, usage, stat, "anon", "file", "inactive_file")
            values[SWAP] = self._number(directory + "memory.swap.current") or 0.0
            values[LIMIT] = _limit(self._text(directory + "memory.max"))
            values[OOM] = float(self._pairs(directory + "memory.events").get("oom_kill", 0))
        for line in (self._text(directory + "io.stat") or "").splitlines():
            device, *fields = line.split()
            done = assignments(fields)
            reading.io[device] = (float(done.get("rbytes", 0)), float(done.get("wbytes", 0)))
        return reading


class CgroupV1(_Files):
    """One hierarchy per controller under the cgroup mount (``cpuacct``, ``memory``, ...)."""

    version = 1

    def __init__(self, root: Path, files: OpenFiles) -> None:
        super().__init__(root, files)
        # A container has the same path in every hierarchy; these two are read for every one.
        self.walked = (root / "cpuacct", root / "memory")

    def procs(self, path: str) -> str:
        return f"{self.root}/cpuacct{path}/cgroup.procs"

    def read(self, path: str) -> Reading:
        reading = Reading()
        values = reading.values
        cpuacct = f"{self.root}/cpuacct{path}/"
        total = self._number(cpuacct + "cpuacct.usage")
        if total is not None:
            values[CPU_TOTAL] = total / 1e9
            ticks = self._pairs(cpuacct + "cpuacct.stat")
            values[CPU_USER] = float(ticks.get("user", 0)) / USER_HZ
            values[CPU_SYSTEM] = float(ticks.get("system", 0)) / USER_HZ
        cpu = self._pairs(f"{self.root}/cpu{path}/cpu.stat")
        if float(cpu.get("nr_periods", 0)) > 0:  # periods are counted only under a quota
            values[CPU_THROTTLED] = float(cpu.get("throttled_time", 0)) / 1e9
        memory = f"{self.root}/memory{path}/"
        usage = self._number(memory + "memory.usage_in_bytes")
        if usage is not None:
            stat = self._pairs(memory + "memory.stat")
            _memory(values, usage, stat, "total_rss", "total_cache", "total_inactive_file")
            values[SWAP] = float(stat.get("total_swap", 0))
            # The limit in force (the smallest of its own and its parents'), in memory.stat: one
            # file fewer than memory.limit_in_bytes, and the same for a container of Docker's.
            values[LIMIT] = _limit(stat.get("hierarchical_memory_limit"))
            values[OOM] = float(self._pairs(memory + "memory.oom_control").get("oom_kill", 0))
        reading.io = self._io(f"{self.root}/blkio{path}/")
        return reading

    def _io(self, blkio: str) -> dict[str, tuple[float, float]]:
        text = self._text(blkio + "blkio.throttle.io_service_bytes_recursive")
        if text is None:
            text = self._text(blkio + "blkio.throttle.io_service_bytes") or ""
        io: dict[str, list[float]] = {}
        for line in text.splitlines():
            words = line.split()  # "8:0 Read 4096", and a last "Total 8192"
            if len(words) == 3 and words[1] in ("Read", "Write"):
                io.setdefault(words[0], [0.0, 0.0])[words[1] == "Write"] = float(words[2])
        return {device: (read, written) for device, (read, written) in io.items()}


Hierarchy = CgroupV1 | CgroupV2


def hierarchy(root: Path, files: OpenFiles) -> Hierarchy:
    """v2 where the cgroup mount is the unified hierarchy, else v1 (a hybrid host's
    ``unified`` mount holds no controllers, so v1 is where its numbers are)."""
    if (root / "cgroup.controllers").exists():
        return CgroupV2(root, files)
    return CgroupV1(root, files)


def _memory(
    values: dict[str, float],
    usage: float,
    stat: dict[str, str],
    rss: str,
    cache: str,
    inactive: str,
) -> None:
    values[MEMORY_USAGE] = usage
    values[WORKING_SET] = max(usage - float(stat.get(inactive, 0)), 0.0)
    values[RSS] = float(stat.get(rss, 0))
    values[CACHE] = float(stat.get(cache, 0))


def _limit(text: str | None) -> float:
    if text is None or text.strip() == "max":
        return 0.0
    limit = float(text)
    return 0.0 if limit > UNLIMITED_ABOVE else limit

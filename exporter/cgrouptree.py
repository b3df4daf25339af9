"""Which cgroups are containers and systemd services, found by walking the cgroup hierarchy.

An engine names its cgroups after itself (cAdvisor's factories recognise the same shapes):

    /system.slice/docker-<64 hex>.scope      Docker, systemd cgroup driver
    /docker/<64 hex>                         Docker, cgroupfs driver
    /machine.slice/libpod-<64 hex>.scope     Podman (libpod-conmon-<id> is its monitor: left out)
    /kubepods.slice/.../cri-containerd-<64 hex>.scope, crio-<64 hex>.scope
    /kubepods/burstable/pod<uid>/<64 hex>    Kubernetes, cgroupfs driver
    /lxc.payload.<name>, /lxc/<name>         LXC and LXD
    /system.slice/<name>.service             a systemd service

The walk is bounded in depth and in directories visited, and does not descend into what it
recognised: a container's own sub-cgroups (systemd inside it, docker-in-docker) are its own.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_DEPTH = 12
"""Deeper than any engine nests (Kubernetes' systemd driver: 4 levels)."""
MAX_DIRECTORIES = 20_000
"""Directories one walk visits at most, so a host with a runaway cgroup count cannot stall it."""

HEX_ID = r"(?P<id>[0-9a-f]{64})"
CONTAINERS = tuple(
    (engine, re.compile(pattern))
    for engine, pattern in (
        ("docker", rf"/docker-{HEX_ID}\.scope$"),
        ("docker", rf"/docker/{HEX_ID}$"),
        ("podman", rf"/libpod-{HEX_ID}\.scope$"),
        ("podman", rf"/libpod_parent/libpod-{HEX_ID}$"),
        ("containerd", rf"/cri-containerd-{HEX_ID}\.scope$"),
        ("containerd", rf"/nerdctl-{HEX_ID}\.scope$"),
        ("cri-o", rf"/crio-{HEX_ID}\.scope$"),
        ("kubernetes", rf"/kubepods\b.*/pod[0-9a-f_-]+(\.slice)?/{HEX_ID}$"),
        ("lxc", r"/lxc\.payload\.(?P<id>[^/]+)$"),
        ("lxc", r"^/lxc/(?P<id>[^/]+)$"),
    )
)
SERVICE = re.compile(r"^/system\.slice/(?P<id>[^/]+)\.service$")


@dataclass(frozen=True)
class Workload:
    """A recognised cgroup: ``path`` is its cgroup path (cAdvisor's ``id`` label)."""

    path: str
    engine: str  # "docker", "podman", ..., or "systemd" for a service
    ident: str  # the engine's container id, the LXC name, or the unit name without .service

    @property
    def is_service(self) -> bool:
        return self.engine == "systemd"

    @property
    def default_name(self) -> str:
        """The ``name`` label when no engine API names it: the short id as ``docker ps`` shows
        it, the LXC name; none for a service (cAdvisor gives services only ``id``)."""
        if self.is_service:
            return ""
        return self.ident[:12] if len(self.ident) == 64 else self.ident


def recognise(path: str) -> Workload | None:
    """The workload a cgroup path is, or None for slices, pods and everything else."""
    for engine, pattern in CONTAINERS:
        match = pattern.search(path)
        if match:
            return Workload(path, engine, match["id"])
    match = SERVICE.search(path)
    return Workload(path, "systemd", match["id"]) if match else None


def workloads(root: Path) -> Iterator[Workload]:
    """The containers and services of the hierarchy mounted at ``root`` (a missing one has
    none), by cgroup path."""
    budget = [MAX_DIRECTORIES]
    yield from _walk(root, "", 0, budget)
    if budget[0] <= 0:
        log.warning("cgroup walk of %s stopped after %d directories", root, MAX_DIRECTORIES)


def _walk(directory: Path, path: str, depth: int, budget: list[int]) -> Iterator[Workload]:
    try:
        children = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    except (FileNotFoundError, NotADirectoryError):
        return  # removed while walked (a container stopping), or a hierarchy not mounted
    for name in children:
        if budget[0] <= 0:
            return
        budget[0] -= 1
        child = f"{path}/{name}"
        found = recognise(child)
        if found is not None:
            yield found
        elif depth < MAX_DEPTH:
            yield from _walk(directory / name, child, depth + 1, budget)

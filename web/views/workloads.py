"""What a cgroup of cAdvisor-named series (``container_*{id=...}``) is: a container or a
systemd service, and the name it is shown by. The exporter reports only those two kinds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def is_service(cgroup: str) -> bool:
    return cgroup.endswith(".service")


def display_name(cgroup: str, labels: Mapping[str, str]) -> str:
    """The ``name`` label; for a service (cAdvisor gives it none) its unit name."""
    if labels.get("name"):
        return labels["name"]
    return cgroup.rsplit("/", 1)[-1].removesuffix(".service")


def containers(labels: Iterable[Mapping[str, str]]) -> int:
    """How many distinct containers (not services) these series' labels name."""
    return len({found.get("id", "") for found in labels if not is_service(found.get("id", ""))})

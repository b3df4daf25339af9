"""A host's figures from node_exporter's metrics, computed one way for the headline, the server
page's charts and the alert rules (``memory_percent``, ``filesystem_used_percent``).

Memory "used" is MemTotal - MemAvailable, as Grafana's "Node Exporter Full" shows it: the
kernel's own estimate of what could be handed out without swapping.
"""

from __future__ import annotations

from collections.abc import Mapping

MEMORY_TOTAL = "node_memory_MemTotal_bytes"
MEMORY_AVAILABLE = "node_memory_MemAvailable_bytes"
FILESYSTEM_SIZE = "node_filesystem_size_bytes"
FILESYSTEM_AVAILABLE = "node_filesystem_avail_bytes"
PSEUDO_FILESYSTEMS = frozenset({"tmpfs", "ramfs", "devtmpfs", "squashfs", "overlay", "nsfs"})
"""Space that cannot fill up or belongs to no disk: shown or alerted on, it only misleads."""


def used(total: float, available: float) -> float:
    return total - available


def used_percent(total: float | None, available: float | None) -> float | None:
    """How full a total is (memory, a filesystem), or None when it cannot be told."""
    if total is None or available is None or total <= 0:
        return None
    return 100 * (1 - available / total)


def filesystem(labels: Mapping[str, str]) -> tuple[str, str]:
    """What names one filesystem: its device and mount point."""
    return labels.get("device", ""), labels.get("mountpoint", "")


def is_disk(labels: Mapping[str, str]) -> bool:
    """Whether a filesystem's series are of real space (not tmpfs, overlay, ...)."""
    return labels.get("fstype") not in PSEUDO_FILESYSTEMS

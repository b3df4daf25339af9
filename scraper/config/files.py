"""Noticing that a config file changed, so targets.yml and alerts.yml reload without a restart."""

from __future__ import annotations

import os

Version = tuple[int, int, int]


def file_version(path: str) -> Version:
    """What changes when the file at ``path`` is edited or replaced; zeros if it is absent."""
    try:
        stat = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

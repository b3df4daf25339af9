"""Durations and byte sizes written the way prometheus.yml writes them."""

from __future__ import annotations

import re

from model.errors import ConfigError
from scraper.config.rules import quote

_DURATION_UNITS = {
    "y": 365 * 86400.0,
    "w": 7 * 86400.0,
    "d": 86400.0,
    "h": 3600.0,
    "m": 60.0,
    "s": 1.0,
    "ms": 0.001,
}
# Prometheus's model.ParseDuration: units largest first, each at most once.
_DURATION = re.compile("".join(rf"(?:(?P<{unit}>\d+){unit})?" for unit in _DURATION_UNITS))

# As Prometheus's body_size_limit (alecthomas/units Base2Bytes): KB and KiB are both 1024.
_SIZE_UNITS: dict[str, int] = {"": 1, "B": 1} | {
    f"{prefix}{suffix}": 1024 ** (power + 1)
    for power, prefix in enumerate("KMGT")
    for suffix in ("B", "iB")
}
_SIZE = re.compile(r"(?P<number>\d+)\s*(?P<unit>[A-Za-z]*)")


def parse_duration(text: str) -> float:
    """Seconds in a Prometheus duration: ``30s``, ``2m``, ``1h30m``, ``500ms``, ``1d``, ``0``."""
    match = _DURATION.fullmatch(text)
    if text == "0":
        return 0.0
    if not text or match is None:
        raise ConfigError(f"expected a duration like 30s, 2m or 1h30m, got {quote(text)}")
    return sum(
        int(count) * _DURATION_UNITS[unit] for unit, count in match.groupdict().items() if count
    )


def parse_size(text: str) -> int:
    """Bytes in a size like ``10MiB``, ``512KB`` or ``1GB`` (base 2) or a bare number of bytes."""
    match = _SIZE.fullmatch(text.strip())
    if match is None or match["unit"] not in _SIZE_UNITS:
        raise ConfigError(f"expected a size like 10MiB, 512KB or 1GB, got {quote(text)}")
    return int(match["number"]) * _SIZE_UNITS[match["unit"]]

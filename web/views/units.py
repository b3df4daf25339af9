"""How numbers read on a page: times, ages, bytes, percentages."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime

_SPANS = ((86_400, "d"), (3_600, "h"), (60, "m"), (1, "s"))
_BYTES = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


# A server page writes each of its 240 bucket times once per chart, in every chart's hover text.
@functools.lru_cache(maxsize=4096)
def rfc3339(ms: int | None) -> str | None:
    """Unix ms as ``2025-06-16T12:00:00Z`` (milliseconds only when there are some)."""
    if ms is None:
        return None
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    text = moment.isoformat(timespec="milliseconds" if ms % 1000 else "seconds")
    return text.replace("+00:00", "Z")


def span(seconds: float | None) -> str:
    """A duration in its two largest units: ``3d 4h``, ``5m 2s``, ``12s``."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    left, parts = max(0, round(seconds)), list[str]()
    for size, unit in _SPANS:
        if left >= size or (size == 1 and not parts):
            parts.append(f"{left // size}{unit}")
            left %= size
    return " ".join(parts[:2])


def percent(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.1f} %"


def number(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.2f}"


def data(value: float | None, unit: str = "") -> str:
    """:func:`binary`, or a dash where the figure is unknown."""
    return "—" if value is None or not math.isfinite(value) else binary(value, unit)


def binary(value: float, unit: str = "") -> str:
    """Bytes in binary multiples: ``1.5 GiB``; ``unit`` is appended (``/s``)."""
    size, index = abs(value), 0
    while size >= 1024 and index < len(_BYTES) - 1:
        size, index = size / 1024, index + 1
    sign = "-" if value < 0 else ""
    shown = f"{size:.0f}" if size >= 100 else f"{size:.3g}"  # never 1e+03
    return f"{sign}{shown} {_BYTES[index]}{unit}"

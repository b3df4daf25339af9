"""Round axis ticks: values at 1, 2 or 5 times a power of ten (bytes at powers of two), times
at whole minutes, hours or days. The server's SVG charts use them; the browser's charts
(web/static/charts.js) follow the same rules with uPlot's own tick finder.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
TIME_STEPS_MS = (
    *(m * MINUTE_MS for m in (1, 2, 5, 10, 15, 30)),
    *(h * HOUR_MS for h in (1, 2, 3, 6, 12)),
    *(d * DAY_MS for d in (1, 2, 7, 14)),
)
BINARY_UNITS = ("bytes", "bytes/s")


def value_step(highest: float, unit: str, most: int = 4) -> float:
    """The smallest round step that reaches ``highest`` in at most ``most`` steps."""
    wanted = highest / most if highest > 0 else 1.0
    if unit in BINARY_UNITS and wanted >= 1:
        return float(2 ** math.ceil(math.log2(wanted)))
    power = 10.0 ** math.floor(math.log10(wanted))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= wanted * (1 - 1e-9))


def values(highest: float, unit: str, top: float | None = None) -> list[float]:
    """Ticks from 0 up to the first round value at or above ``highest`` (or a fixed ``top``)."""
    if top is not None:
        step = value_step(top, unit)
        return [step * i for i in range(round(top / step) + 1)]
    step = value_step(highest, unit)
    count = max(1, math.ceil(highest / step - 1e-9))
    return [step * i for i in range(count + 1)]


def times(start_ms: int, end_ms: int, most: int = 5) -> tuple[list[int], int]:
    """Whole-unit moments (UTC) inside the range, at most ``most`` of them, and their step."""
    span = max(1, end_ms - start_ms)
    step = next((s for s in TIME_STEPS_MS if span / s <= most), TIME_STEPS_MS[-1])
    first = -(-start_ms // step) * step
    return list(range(first, end_ms + 1, step)), step


def time_label(t_ms: int, step_ms: int) -> str:
    """``14:30`` within a day, ``Dec 02`` at midnight or for steps of a day or more (UTC)."""
    moment = datetime.fromtimestamp(t_ms / 1000, UTC)
    if step_ms >= DAY_MS or t_ms % DAY_MS == 0:
        return moment.strftime("%b %d")
    return moment.strftime("%H:%M")

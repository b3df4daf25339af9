"""Small inline pictures of the overview: a usage bar with its percentage, and the strip of
the last 24 hours' health. A <meter> and an SVG need no style attribute (the CSP allows none).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from web.views import units

# Above these a bar turns amber, then red (the meter's own high/low regions).
HIGH, FULL = 80, 95
SLOT_WIDTH = 4


def usage(percent: float | None) -> Markup:
    if percent is None or not math.isfinite(percent):
        return Markup("—")
    shown = min(100.0, max(0.0, percent))
    return Markup(
        f'<span class="usage"><meter min="0" max="100" low="{HIGH}" high="{FULL}" optimum="0" '
        f'value="{shown:.1f}">{escape(units.percent(percent))}</meter>'
        f"{escape(units.percent(percent))}</span>"
    )


def strip(slots: Sequence[str]) -> Markup:
    """One rect per hour, oldest first; each has a <title> for its hour."""
    rects = "".join(
        f'<rect class="{escape(health)}" x="{i * SLOT_WIDTH}" y="0" width="{SLOT_WIDTH - 1}" '
        f'height="10"><title>{len(slots) - i}h ago: {escape(health or "no data")}</title></rect>'
        for i, health in enumerate(slots)
    )
    width = len(slots) * SLOT_WIDTH
    return Markup(
        f'<svg class="strip" viewBox="0 0 {width} 10" role="img" '
        f'aria-label="health over the last 24 hours" data-role="strip">{rects}</svg>'
    )


def uptime(percent: float | None) -> str:
    """``99.95 %``: two decimals, since 99.9 and 99.99 are a day and ten minutes a week apart."""
    if percent is None:
        return "—"
    return "100 %" if percent >= 100 else f"{math.floor(percent * 100) / 100:.2f} %"

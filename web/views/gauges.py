"""Small inline pictures of the overview: a usage bar with its percentage, and the strip of
the last 24 hours' health. A <meter> and an SVG need no style attribute (the CSP allows none).
"""

from __future__ import annotations

import itertools
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
    shown, text = min(100.0, max(0.0, percent)), units.percent(percent)  # digits and " %"
    return Markup(
        f'<span class="usage"><meter min="0" max="100" low="{HIGH}" high="{FULL}" optimum="0" '
        f'value="{shown:.1f}">{text}</meter>{text}</span>'
    )


def strip(slots: Sequence[str]) -> Markup:
    """Hour slots oldest first, a run of equal ones drawn as one rect (one for most servers, so a
    thousand rows stay light); the <title> says the hours."""
    rects, x = [], 0
    for health, run in itertools.groupby(slots):
        hours = len(list(run))
        ago = len(slots) - x
        label = f"{ago}h to {ago - hours}h ago: {health or 'no data'}"
        rects.append(
            f'<rect class="{escape(health)}" x="{x * SLOT_WIDTH}" y="0" '
            f'width="{hours * SLOT_WIDTH - 1}" height="10"><title>{escape(label)}</title></rect>'
        )
        x += hours
    width = len(slots) * SLOT_WIDTH
    return Markup(
        f'<svg class="strip" viewBox="0 0 {width} 10" role="img" '
        f'aria-label="health over the last 24 hours" data-role="strip">{"".join(rects)}</svg>'
    )


def uptime(percent: float | None) -> str:
    """``99.95 %``: two decimals, since 99.9 and 99.99 are a day and ten minutes a week apart."""
    if percent is None:
        return "—"
    return "100 %" if percent >= 100 else f"{math.floor(percent * 100) / 100:.2f} %"

"""Small marks drawn on several pages: a target's state badge and its firing-alerts bell."""

from __future__ import annotations

from markupsafe import Markup, escape

BADGES = {"up": "● up", "down": "✖ DOWN", "unknown": "? unknown"}
# An inline SVG, so the bell shows without an emoji font.
BELL = (
    '<svg class="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true"><path '
    'd="M8 1.5a4.5 4.5 0 0 0-4.5 4.5v3L2 11.5v1h12v-1L12.5 9V6A4.5 4.5 0 0 0 8 1.5zM6.3 13.5a1.8 '
    '1.8 0 0 0 3.4 0z"/></svg>'
)


def badge(health: str) -> Markup:
    """A target's state as colour, icon and text."""
    return Markup(f'<span class="badge {escape(health)}" data-role="state">{BADGES[health]}</span>')


def firing_marker(count: int) -> Markup:
    """The bell and count of a server's firing alerts, linking to them; nothing when none."""
    if not count:
        return Markup("")
    return Markup(
        f'<a class="badge alert firing" href="/alerts?state=firing" title="{count} firing" '
        f'data-role="firing">{BELL} {count}</a>'
    )

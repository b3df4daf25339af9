"""Line charts: an SVG drawn on the server, and the same data as JSON for the browser's charts.

Without JavaScript the SVG is the chart (an SVG ``<title>`` per bucket gives hover values, a
missing bucket breaks the line). With it, web/static/charts.js draws the JSON with uPlot
(crosshair, shared tooltip, legend toggles, drag-to-zoom, local time) in the SVG's place.
"""

from __future__ import annotations

import itertools
import json
import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from web.views import ticks, units

Points = Sequence[tuple[int, float]]
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 96, 10, 12, 30
COLORS = 8
FORMATS: dict[str, Callable[[float], str]] = {
    "%": lambda v: f"{v:.1f} %",
    "bytes": units.binary,
    "bytes/s": lambda v: units.binary(v, "/s"),
    "°C": lambda v: f"{v:.1f} °C",
    "/s": lambda v: f"{v:.3g}/s",
    "ms": lambda v: f"{v:.3g} ms",
    "": lambda v: f"{v:.2f}",
}


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    points: Points
    stacked: bool = False  # drawn on top of the stacked lines before it (CPU modes)


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    unit: str
    lines: Sequence[Line]
    start_ms: int
    end_ms: int
    step_ms: int
    top: float | None = None  # a fixed top (100 for percentages), else the data's maximum

    def value(self, v: float) -> str:
        return FORMATS[self.unit](v)

    @property
    def stacked(self) -> bool:
        return any(line.stacked for line in self.lines)

    @property
    def most_points(self) -> int:
        return max((len(line.points) for line in self.lines), default=0)

    @property
    def has_points(self) -> bool:
        return any(line.points for line in self.lines)


@dataclass(frozen=True, slots=True)
class Scale:
    chart: Chart
    levels: Sequence[float]
    # Each bucket time's x as drawn, formatted once per chart: its lines and hover columns all
    # share the same bucket times.
    _placed: dict[int, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def top(self) -> float:
        return self.levels[-1] or 1.0

    def x(self, t: int) -> float:
        return self.xs([t])[0]

    def y(self, v: float) -> float:
        return self.ys([v])[0]

    # Whole lists at a time: a server page places some 20,000 points and hover columns, and a
    # method call per coordinate was a fifth of drawing them.
    def xs(self, times: Iterable[int]) -> list[float]:
        start, span = self.chart.start_ms, max(1, self.chart.end_ms - self.chart.start_ms)
        width = WIDTH - LEFT - RIGHT
        return [LEFT + width * (t - start) / span for t in times]

    def ys(self, values: Iterable[float]) -> list[float]:
        top, height = self.top, HEIGHT - TOP - BOTTOM
        return [TOP + height * (1 - v / top) for v in values]

    def placed(self, times: Sequence[int]) -> list[str]:
        """The times' x as drawn (``123.4``)."""
        known = self._placed
        if missing := [t for t in times if t not in known]:
            known.update(zip(missing, (f"{x:.1f}" for x in self.xs(missing)), strict=True))
        return [known[t] for t in times]

    def path(self, points: Points) -> str:
        """The points as an SVG path's coordinates: ``x,y Lx,y ...``."""
        xs, ys = self.placed([t for t, _ in points]), self.ys([v for _, v in points])
        return " L".join([f"{x},{y:.1f}" for x, y in zip(xs, ys, strict=True)])


def svg(chart: Chart) -> Markup:
    scale = Scale(chart, ticks.values(_highest(chart), chart.unit, chart.top))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg">',
        *_grid(scale),
        *_lines(scale),
        *_hover(scale),
        "</svg>",
    ]
    return Markup("".join(parts))


def _highest(chart: Chart) -> float:
    """The largest value drawn: of the stack's sum where lines are stacked."""
    stacked: dict[int, float] = {}
    drawn = [0.0]
    for line in chart.lines:
        finite = [(t, v) for t, v in line.points if math.isfinite(v)]
        drawn.extend(v for _, v in finite)
        if line.stacked:
            for t, v in finite:
                stacked[t] = stacked.get(t, 0.0) + v
    return max([*drawn, *stacked.values()])


def _grid(scale: Scale) -> list[str]:
    return [*_y_ticks(scale), *_x_ticks(scale)]


def _y_ticks(scale: Scale) -> list[str]:
    parts = []
    for v in scale.levels:
        y = scale.y(v)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(_text(LEFT - 4, y + 4, "end", scale.chart.value(v)))
    return parts


def _x_ticks(scale: Scale) -> list[str]:
    chart = scale.chart
    moments, step = ticks.times(chart.start_ms, chart.end_ms)
    return [_text(scale.x(t), HEIGHT - 8, "middle", ticks.time_label(t, step)) for t in moments]


def _text(x: float, y: float, anchor: str, label: str) -> str:
    return (
        f'<text class="tick" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(label)}</text>'
    )


def segments(points: Points, step_ms: int) -> list[list[tuple[int, float]]]:
    """Runs of points without a gap: a gap is more than twice the usual spacing.

    The usual spacing is the median distance between points (at least one step), so a scrape
    interval longer than the step does not read as a gap between every point.
    """
    finite = [(t, v) for t, v in points if math.isfinite(v)]
    deltas = [b[0] - a[0] for a, b in itertools.pairwise(finite)]
    spacing = max(step_ms, statistics.median(deltas)) if deltas else step_ms
    cuts = [0, *(i for i, delta in enumerate(deltas, 1) if delta > 2 * spacing), len(finite)]
    return [finite[a:b] for a, b in itertools.pairwise(cuts) if b > a]


def _line(scale: Scale, line: Line, color: int, below: dict[int, float]) -> str:
    parts = []
    points = line.points
    if line.stacked:  # drawn at the sum of the stacked lines so far
        points = [(t, v + below.get(t, 0.0)) for t, v in points if math.isfinite(v)]
        below.update(points)
    for run in segments(points, scale.chart.step_ms):
        if len(run) == 1:
            ((t, v),) = run
            parts.append(
                f'<circle class="s{color}" cx="{scale.x(t):.1f}" cy="{scale.y(v):.1f}" r="2"/>'
            )
            continue
        parts.append(f'<path class="s{color}" d="M{scale.path(run)}"/>')
    return f'<g class="line" data-name="{escape(line.name)}">{"".join(parts)}</g>'


def _lines(scale: Scale) -> list[str]:
    below: dict[int, float] = {}
    return [_line(scale, line, i % COLORS, below) for i, line in enumerate(scale.chart.lines)]


def _hover(scale: Scale) -> list[str]:
    """One invisible column per bucket whose <title> lists every line's value there."""
    chart = scale.chart
    shown = FORMATS[chart.unit]
    by_time: dict[int, list[str]] = {}
    for line in chart.lines:
        # Only the name is escaped: times and formatted values are digits, signs and units.
        name = str(escape(line.name))
        for t, v in line.points:
            if math.isfinite(v):
                by_time.setdefault(t, []).append(f"{name}: {shown(v)}")
    width = max(1.0, scale.x(chart.start_ms + chart.step_ms) - scale.x(chart.start_ms))
    columns = sorted(by_time.items())
    return [
        f'<rect class="hover" x="{x}" y="{TOP}" width="{width:.1f}" '
        f'height="{HEIGHT - TOP - BOTTOM}"><title>{units.rfc3339(t)}\n'
        f"{chr(10).join(values)}</title></rect>"
        for (t, values), x in zip(columns, scale.placed([t for t, _ in columns]), strict=True)
    ]


def data(chart: Chart) -> Markup:
    """The chart as JSON for charts.js, inside a script element browsers do not run."""
    shape: dict[str, Any] = {
        "title": chart.title,
        "unit": chart.unit,
        "top": chart.top,
        "start": _seconds(chart.start_ms),
        "end": _seconds(chart.end_ms),
        "series": [
            {
                "name": line.name,
                "stacked": line.stacked,
                "runs": [
                    [[_seconds(t), round(v, 6)] for t, v in run]
                    for run in segments(line.points, chart.step_ms)
                ],
            }
            for line in chart.lines
        ],
    }
    # Not checked for cycles: it is made of fresh lists here, and the check costs 20 % of it.
    text = json.dumps(shape, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    # "<" escaped so no label can close the script element.
    return Markup(f'<script type="application/json" class="chart-data">{_no_tags(text)}</script>')


def _seconds(t_ms: int) -> float:
    return t_ms // 1000 if t_ms % 1000 == 0 else t_ms / 1000


def _no_tags(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

"""Line charts rendered as SVG on the server.

No chart library: the page works without JavaScript and offline, an SVG ``<title>`` gives hover
values, and a missing bucket (a failed scrape) breaks the line instead of bridging it.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup, escape

from web.views import units

Points = Sequence[tuple[int, float]]
WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 70, 10, 10, 22
COLORS = 8
FORMATS: dict[str, Callable[[float], str]] = {
    "%": lambda v: f"{v:.1f} %",
    "bytes": units.binary,
    "bytes/s": lambda v: units.binary(v, "/s"),
    "°C": lambda v: f"{v:.1f} °C",
    "/s": lambda v: f"{v:.3g}/s",
    "": lambda v: f"{v:.2f}",
}


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    points: Points


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
    def has_points(self) -> bool:
        return any(line.points for line in self.lines)


@dataclass(frozen=True, slots=True)
class Scale:
    chart: Chart
    top: float

    def x(self, t: int) -> float:
        span = max(1, self.chart.end_ms - self.chart.start_ms)
        return LEFT + (WIDTH - LEFT - RIGHT) * (t - self.chart.start_ms) / span

    def y(self, v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / self.top)


def svg(chart: Chart) -> Markup:
    scale = Scale(chart, _top(chart))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg">',
        *_grid(scale),
        *(_line(scale, line, index % COLORS) for index, line in enumerate(chart.lines)),
        *_hover(scale),
        "</svg>",
    ]
    return Markup("".join(parts))


def _top(chart: Chart) -> float:
    if chart.top is not None:
        return chart.top
    highest = max(
        (v for line in chart.lines for _, v in line.points if math.isfinite(v)), default=0
    )
    return _nice(highest) if highest > 0 else 1.0


def _nice(value: float) -> float:
    """The next of 1, 2, 2.5 or 5 times a power of ten at or above ``value``."""
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def _grid(scale: Scale) -> list[str]:
    return [*_y_ticks(scale), *_x_ticks(scale)]


def _y_ticks(scale: Scale) -> list[str]:
    parts = []
    for v in (scale.top * i / 4 for i in range(5)):
        y = scale.y(v)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(_text(LEFT - 4, y + 4, "end", scale.chart.value(v)))
    return parts


def _x_ticks(scale: Scale) -> list[str]:
    chart = scale.chart
    times = [chart.start_ms + (chart.end_ms - chart.start_ms) * i // 4 for i in range(5)]
    anchors = ("start", "middle", "middle", "middle", "end")
    return [
        _text(scale.x(t), HEIGHT - 6, a, _time(t, chart))
        for t, a in zip(times, anchors, strict=True)
    ]


def _text(x: float, y: float, anchor: str, label: str) -> str:
    return (
        f'<text class="tick" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(label)}</text>'
    )


def _time(t: int, chart: Chart) -> str:
    moment = datetime.fromtimestamp(t / 1000, UTC)
    long = chart.end_ms - chart.start_ms > 2 * 86_400_000
    return moment.strftime("%m-%d %H:%M" if long else "%H:%M")


def segments(points: Points, step_ms: int) -> list[list[tuple[int, float]]]:
    """Runs of points without a gap: a gap is more than twice the usual spacing.

    The usual spacing is the median distance between points (at least one step), so a scrape
    interval longer than the step does not read as a gap between every point.
    """
    finite = [(t, v) for t, v in points if math.isfinite(v)]
    spacing = max([step_ms, *([statistics.median(_deltas(finite))] if len(finite) > 1 else [])])
    runs: list[list[tuple[int, float]]] = []
    for point in finite:
        if not runs or point[0] - runs[-1][-1][0] > 2 * spacing:
            runs.append([])
        runs[-1].append(point)
    return runs


def _deltas(points: Points) -> list[int]:
    return [b[0] - a[0] for a, b in itertools.pairwise(points)]


def _line(scale: Scale, line: Line, color: int) -> str:
    parts = []
    for run in segments(line.points, scale.chart.step_ms):
        coords = [(scale.x(t), scale.y(v)) for t, v in run]
        if len(coords) == 1:
            parts.append(
                f'<circle class="s{color}" cx="{coords[0][0]:.1f}" cy="{coords[0][1]:.1f}" r="2"/>'
            )
            continue
        path = " L".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<path class="s{color}" d="M{path}"/>')
    return f'<g class="line" data-name="{escape(line.name)}">{"".join(parts)}</g>'


def _hover(scale: Scale) -> list[str]:
    """One invisible column per bucket whose <title> lists every line's value there."""
    chart = scale.chart
    by_time: dict[int, list[str]] = {}
    for line in chart.lines:
        for t, v in line.points:
            if math.isfinite(v):
                by_time.setdefault(t, []).append(f"{line.name}: {chart.value(v)}")
    width = max(1.0, scale.x(chart.start_ms + chart.step_ms) - scale.x(chart.start_ms))
    return [
        f'<rect class="hover" x="{scale.x(t):.1f}" y="{TOP}" width="{width:.1f}" '
        f'height="{HEIGHT - TOP - BOTTOM}"><title>{escape(units.rfc3339(t) or "")}\n'
        f"{escape(chr(10).join(values))}</title></rect>"
        for t, values in sorted(by_time.items())
    ]

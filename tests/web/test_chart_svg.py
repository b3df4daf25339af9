"""What a server-drawn chart writes (web/views/charts.py svg)."""

from __future__ import annotations

import math

from web.views.charts import Chart, Line, Scale, segments, svg

HOSTILE = Line('<b class="x">&</b>', [(1_000, 1.0), (2_000, 0.5)])
CHART = Chart("Load", "", [HOSTILE], 1_000, 5_000, 1_000)


def test_a_lines_name_is_escaped_in_each_hover_text() -> None:
    assert (
        "<title>1970-01-01T00:00:02Z\n&lt;b class=&#34;x&#34;&gt;&amp;&lt;/b&gt;: 0.50</title>"
        in (svg(CHART))
    )


def test_a_path_places_each_point_as_xs_and_ys_do_to_a_tenth() -> None:
    scale = Scale(CHART, [0.0, 2.0])
    (x1, x2), (y1, y2) = scale.xs([1_000, 2_000]), scale.ys([1.0, 0.5])

    assert scale.path(HOSTILE.points) == f"{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}"


def test_a_step_of_more_than_twice_the_usual_spacing_breaks_the_line() -> None:
    points = [(0, 1.0), (60, 2.0), (120, 3.0), (400, 4.0), (460, 5.0)]

    assert segments(points, 60) == [points[:3], points[3:]]


def test_points_further_apart_than_the_step_but_evenly_are_one_line() -> None:
    points = [(0, 1.0), (300, 2.0), (600, 3.0), (900, 4.0)]

    assert segments(points, 60) == [points]


def test_values_that_are_not_finite_are_left_out_of_the_lines() -> None:
    points = [(0, 1.0), (60, math.nan), (120, math.inf), (180, 2.0)]

    assert segments(points, 60) == [[(0, 1.0), (180, 2.0)]]

"""Where a server-drawn chart puts its points (web/views/charts.py Scale)."""

from __future__ import annotations

from web.views.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Chart, Line, Scale

CHART = Chart("Load", "", [Line("load1", [(1_000, 1.0)])], 1_000, 5_000, 1_000)


def test_times_run_from_the_left_edge_to_the_right_one() -> None:
    assert Scale(CHART, [0.0, 2.0]).xs([1_000, 3_000, 5_000]) == [
        LEFT, (LEFT + WIDTH - RIGHT) / 2, WIDTH - RIGHT
    ]  # fmt: skip


def test_values_run_from_the_bottom_to_the_top_level() -> None:
    assert Scale(CHART, [0.0, 2.0]).ys([0.0, 2.0]) == [HEIGHT - BOTTOM, TOP]


def test_one_coordinate_is_placed_as_in_a_list() -> None:
    scale = Scale(CHART, [0.0, 2.0])

    assert (scale.x(2_000), scale.y(1.0)) == (scale.xs([2_000])[0], scale.ys([1.0])[0])

"""The server page's memory chart counts "used" as the headline and the alert rules do, at the
buckets all its inputs have."""

from __future__ import annotations

from tests.web.fleet import MEMORY
from web.views.dashboard import Found, Source, Wanted, Window, combine, memory

GIB = 2**30


def test_memory_used_is_total_minus_available() -> None:
    found: dict[Wanted, Found] = {
        (f"node_memory_{name}_bytes", "avg"): [({}, {0: value * GIB})]
        for name, value in MEMORY.items()
    }
    chart = memory(Source(Window("1h", 0, 3_600_000), found))
    lines = {line.name: line.points for line in chart.lines}
    assert lines["used"] == [(0, (MEMORY["MemTotal"] - MEMORY["MemAvailable"]) * GIB)]


def test_a_combined_line_has_the_buckets_every_input_has() -> None:
    used = combine(lambda total, free: total - free, {0: 8.0, 60: 8.0}, {60: 3.0, 120: 2.0})

    assert used == [(60, 5.0)]

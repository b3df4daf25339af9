"""The server page's memory chart counts "used" as the headline and the alert rules do."""

from __future__ import annotations

from tests.web.fleet import MEMORY
from web.views.dashboard import Found, Source, Wanted, Window, memory

GIB = 2**30


def test_memory_used_is_total_minus_available() -> None:
    found: dict[Wanted, Found] = {
        (f"node_memory_{name}_bytes", "avg"): [({}, {0: value * GIB})]
        for name, value in MEMORY.items()
    }
    chart = memory(Source(Window("1h", 0, 3_600_000), found))
    lines = {line.name: line.points for line in chart.lines}
    assert lines["used"] == [(0, (MEMORY["MemTotal"] - MEMORY["MemAvailable"]) * GIB)]

"""Uptime from the health history: shares of time up, and the 24-hour strip."""

from __future__ import annotations

import pytest

from tests.storage.builders import HOUR, NOW
from web.views.uptime import of

MINUTE = 60_000


def test_a_ten_minute_outage_in_three_hours_is_94_44_percent_up() -> None:
    down, back = NOW - 2 * HOUR, NOW - 2 * HOUR + 10 * MINUTE
    spells = [(NOW - 3 * HOUR, down, "up"), (down, back, "down"), (back, NOW, "up")]

    found = of(spells, NOW)

    assert found.percent == {"24h": pytest.approx(94.444, abs=1e-3)} | {
        "7d": pytest.approx(94.444, abs=1e-3), "30d": pytest.approx(94.444, abs=1e-3)
    }  # fmt: skip
    assert found.strip[-3:] == ["up", "mixed", "up"]
    assert found.strip[:21] == [""] * 21


def test_unknown_time_counts_neither_way() -> None:
    spells = [(NOW - 2 * HOUR, NOW - HOUR, "unknown"), (NOW - HOUR, NOW, "down")]

    found = of(spells, NOW)

    assert found.percent["24h"] == 0.0
    assert found.strip[-2:] == ["", "down"]


def test_a_server_never_scraped_in_a_period_has_no_uptime() -> None:
    assert of([], NOW).percent == {"24h": None, "7d": None, "30d": None}


def test_a_slot_that_saw_up_and_down_stays_mixed_whatever_came_after() -> None:
    hour = NOW - HOUR
    spells = [
        (NOW - 2 * HOUR, hour + 10 * MINUTE, "down"),
        (hour + 10 * MINUTE, hour + 20 * MINUTE, "up"),
        (hour + 20 * MINUTE, hour + 30 * MINUTE, "down"),
        (hour + 30 * MINUTE, NOW, "down"),
    ]

    assert of(spells, NOW).strip[-2:] == ["down", "mixed"]

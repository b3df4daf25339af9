"""Uptime from the health history: the share of time up over 24 h, 7 d and 30 d, and a strip
of the last 24 hours in hour-wide slots (up, down, or both), as Uptime Kuma shows it.

Time before a target was first seen, or in ``unknown`` health, counts neither way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage import HealthChange, TargetHealth

HOUR_MS = 3_600_000
PERIODS = {"24h": 24 * HOUR_MS, "7d": 168 * HOUR_MS, "30d": 720 * HOUR_MS}
SLOTS = 24
Key = tuple[str, str]
Spell = tuple[int, int, str]  # start, end, health


@dataclass(frozen=True, slots=True)
class Uptime:
    percent: dict[str, float | None]  # by period name; None when never up or down in it
    strip: Sequence[str]  # oldest first: "up", "down", "mixed" or "" (no data)


def fleet(
    targets: Sequence[TargetHealth], changes: Iterable[HealthChange], now_ms: int
) -> dict[Key, Uptime]:
    """Every target's uptime, from the changes since 30 days ago (storage.health_changes)."""
    by_key: dict[Key, list[HealthChange]] = defaultdict(list)
    for change in changes:
        by_key[(change.job, change.instance)].append(change)
    return {
        (t.job, t.instance): of(_spells(by_key[(t.job, t.instance)], t, now_ms), now_ms)
        for t in targets
    }


def _spells(changes: Sequence[HealthChange], target: TargetHealth, now_ms: int) -> list[Spell]:
    """The target's health as consecutive spells up to now (its current health last)."""
    if not changes:
        return [(max(target.first_seen_ms, target.health_since_ms), now_ms, target.health)]
    ends = [c.timestamp_ms for c in changes[1:]] + [now_ms]
    return [(c.timestamp_ms, end, c.health) for c, end in zip(changes, ends, strict=True)]


def of(spells: Sequence[Spell], now_ms: int) -> Uptime:
    percent = {name: _percent(spells, now_ms - length, now_ms) for name, length in PERIODS.items()}
    slot = PERIODS["24h"] // SLOTS
    strip = [_slot(spells, now_ms - (SLOTS - i) * slot, now_ms - (SLOTS - i - 1) * slot)
             for i in range(SLOTS)]  # fmt: skip
    return Uptime(percent, strip)


def _overlap(spells: Sequence[Spell], start: int, end: int) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for low, high, health in spells:
        length = min(high, end) - max(low, start)
        if length > 0:
            found[health] += length
    return found


def _percent(spells: Sequence[Spell], start: int, end: int) -> float | None:
    found = _overlap(spells, start, end)
    known = found["up"] + found["down"]
    return 100 * found["up"] / known if known else None


def _slot(spells: Sequence[Spell], start: int, end: int) -> str:
    found = _overlap(spells, start, end)
    if found["up"] and found["down"]:
        return "mixed"
    return "up" if found["up"] else "down" if found["down"] else ""

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
    """Uptime over each period and the strip; one pass over the spells for each (most targets
    have one spell, and a thousand of them are computed for every overview)."""
    percent = {name: _percent(spells, now_ms - length, now_ms) for name, length in PERIODS.items()}
    return Uptime(percent, _strip(spells, now_ms))


def _percent(spells: Sequence[Spell], start: int, end: int) -> float | None:
    up = known = 0
    for low, high, health in spells:
        length = min(high, end) - max(low, start)
        if length > 0 and health != "unknown":
            known += length
            up += length if health == "up" else 0
    return 100 * up / known if known else None


def _strip(spells: Sequence[Spell], now_ms: int) -> list[str]:
    """Each hour-wide slot of the last 24 h: up, down, mixed (both), or "" (neither)."""
    slot, start = PERIODS["24h"] // SLOTS, now_ms - PERIODS["24h"]
    # Each slot's health so far, "mixed" once it saw both (no set per slot: a thousand targets).
    seen = [""] * SLOTS
    for low, high, health in spells:
        if health == "unknown" or high <= start or low >= high:
            continue
        first = max(0, (low - start) // slot)
        last = min(SLOTS - 1, (high - 1 - start) // slot)
        for i in range(first, last + 1):
            seen[i] = health if seen[i] in ("", health) else "mixed"
    return seen

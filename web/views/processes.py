"""A server's top processes, from hostwatch's ``top`` collector (on by default): the busiest by
CPU and the largest by resident memory, over the five minutes before the last successful
scrape, like the headline. CPU is in % of one core (as ``top`` shows it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from model.matchers import Matcher
from storage import Function, TargetHealth
from web.views import headline
from web.views.reads import Ranges

CPU = "hostwatch_top_process_cpu_seconds_total"
MEMORY = "hostwatch_top_process_resident_memory_bytes"
WANTED: tuple[tuple[str, Function], ...] = ((CPU, "rate"), (MEMORY, "last"))
SHOWN = 10  # the exporter reports 5 + 5 by default (--top-processes); they often overlap


@dataclass(frozen=True, slots=True)
class Process:
    """One process; None where it was not among the exporter's top N for that figure."""

    pid: str
    name: str
    cpu_percent: float | None
    memory_bytes: float | None


def top(storage: Ranges, target: TargetHealth) -> list[Process]:
    """The processes the exporter reported, busiest first, then largest; none without ``top``."""
    if target.last_seen_ms is None:
        return []
    mine = [Matcher("job", "=", target.job), Matcher("instance", "=", target.instance)]
    found = headline.readings(storage, WANTED, mine, target.last_seen_ms)
    key = (target.job, target.instance)
    cpu, memory = (_by_process(readings.get(key, [])) for readings in found)
    rows = [
        Process(pid, name, _percent(cpu.get((pid, name))), memory.get((pid, name)))
        for pid, name in {**cpu, **memory}
    ]
    rows.sort(key=lambda p: (-(p.cpu_percent or 0.0), -(p.memory_bytes or 0.0), p.name))
    return rows[:SHOWN]


def _by_process(found: Sequence[tuple[dict[str, str], float]]) -> dict[tuple[str, str], float]:
    return {(labels.get("pid", ""), labels.get("name", "")): value for labels, value in found}


def _percent(cpu_seconds_per_second: float | None) -> float | None:
    return None if cpu_seconds_per_second is None else 100 * cpu_seconds_per_second

"""The fleet overview's rows: every target with its headline figures, filtered and sorted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from storage import TargetHealth
from web.views.headline import Headline

# Down first: a failing server must be the first thing on the page.
STATE_ORDER = {"down": 0, "unknown": 1, "up": 2}


@dataclass(frozen=True, slots=True)
class Row:
    target: TargetHealth
    headline: Headline
    now_ms: int

    @property
    def state_for_s(self) -> float:
        return (self.now_ms - self.target.health_since_ms) / 1000

    @property
    def scrape_age_s(self) -> float | None:
        last = self.target.last_scrape_ms
        return None if last is None else (self.now_ms - last) / 1000


SortKey = Callable[[Row], object]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    title: str
    key: SortKey
    numeric: bool = field(default=True)


COLUMNS = (
    Column("state", "State", lambda r: STATE_ORDER[r.target.health], numeric=False),
    Column("instance", "Server", lambda r: r.target.instance, numeric=False),
    Column("job", "Job", lambda r: r.target.job, numeric=False),
    Column("since", "For", lambda r: r.state_for_s),
    Column("age", "Last scrape", lambda r: r.scrape_age_s),
    Column("cpu", "CPU", lambda r: r.headline.cpu_percent),
    Column("memory", "Memory", lambda r: r.headline.memory_percent),
    Column("disk", "Fullest disk", lambda r: r.headline.fullest_filesystem_percent),
    Column("load", "Load", lambda r: r.headline.load1),
    Column("uptime", "Uptime", lambda r: r.headline.uptime_s),
)
BY_NAME = {column.name: column for column in COLUMNS}


def ordered(rows: Sequence[Row], column: str, descending: bool) -> list[Row]:
    """Rows by ``column``, unknown values last either way; ties by state, then server."""
    key = BY_NAME[column].key
    settled = sorted(rows, key=lambda r: (STATE_ORDER[r.target.health], r.target.instance))
    known = [row for row in settled if key(row) is not None]
    unknown = [row for row in settled if key(row) is None]
    return [*sorted(known, key=key, reverse=descending), *unknown]  # type: ignore[arg-type]


def counts(targets: Sequence[TargetHealth]) -> dict[str, int]:
    found = Counter(target.health for target in targets)
    return {state: found[state] for state in ("up", "down", "unknown")}

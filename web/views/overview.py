"""The fleet overview's rows: every target with its headline figures, filtered and sorted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from storage import TargetHealth
from web.http.errors import BadParameter
from web.views.headline import Headline
from web.views.uptime import Uptime

# Down first: a failing server must be the first thing on the page.
STATE_ORDER = {"down": 0, "unknown": 1, "up": 2}


@dataclass(frozen=True, slots=True)
class Row:
    target: TargetHealth
    headline: Headline
    now_ms: int
    uptime: Uptime | None = None

    @property
    def stale(self) -> bool:
        """Figures of a server that is not up are from before it went down, not current."""
        return self.target.health != "up" and self.headline.is_node

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
    Column("containers", "Containers", lambda r: r.headline.containers),
)
BY_NAME = {column.name: column for column in COLUMNS}


def shown(rows: Sequence[Row]) -> tuple[Column, ...]:
    """The columns of these rows: Containers only when one of them reports containers."""
    if any(row.headline.containers for row in rows):
        return COLUMNS
    return tuple(column for column in COLUMNS if column.name != "containers")


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


def search(targets: Sequence[TargetHealth], text: str) -> list[TargetHealth]:
    """Targets whose instance, job or any ``key=value`` label contains ``text`` (any case)."""
    wanted = text.strip().lower()
    return [t for t in targets if wanted in haystack(t)] if wanted else list(targets)


def haystack(target: TargetHealth) -> str:
    """What the search box looks in (also written on each row for as-you-type filtering)."""
    labels = " ".join(f"{k}={v}" for k, v in target.labels)
    return f"{target.instance} {target.job} {labels}".lower()


def grouping(value: str) -> str:
    """``job``, ``label:KEY`` or empty (no groups)."""
    if value in ("", "job") or (value.startswith("label:") and len(value) > len("label:")):
        return value
    raise BadParameter("group", f"{value!r} is not job or label:NAME")


def grouped(rows: Sequence[Row], group: str) -> list[tuple[str, list[Row]]]:
    """Rows in groups by job or by a label's value, groups by name, rows kept in order."""
    if not group:
        return [("", list(rows))] if rows else []
    key = group.removeprefix("label:")
    found: dict[str, list[Row]] = {}
    for row in rows:
        name = row.target.job if group == "job" else dict(row.target.labels).get(key, "")
        found.setdefault(name, []).append(row)
    return sorted(found.items(), key=lambda item: (item[0] == "", item[0]))

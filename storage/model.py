"""The values storage takes and returns; plain immutable data, no database in sight."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

import re2

from model.errors import QueryError
from model.samples import Labels, Metadata, Sample

Health = Literal["up", "down", "unknown"]
MatchOp = Literal["=", "!=", "=~", "!~"]
Function = Literal["avg", "min", "max", "last", "rate"]
Source = Literal["raw", "rollup"]


@dataclass(frozen=True, slots=True)
class ScrapeRecord:
    """One scrape of one target: its samples and how the scrape went.

    ``error`` None means the scrape succeeded (the target is up); otherwise it is the reason
    shown on the dashboard. Sample labels must already carry job and instance.
    """

    job: str
    instance: str
    labels: Labels
    timestamp_ms: int
    duration_s: float
    error: str | None
    samples: Sequence[Sample] = ()
    metadata: Mapping[str, Metadata] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TargetHealth:
    """A target as the servers list shows it.

    ``last_seen_ms`` is the last *successful* scrape (None if there was none yet);
    ``health_since_ms`` is when the current health began.
    """

    job: str
    instance: str
    labels: Labels
    health: Health
    last_scrape_ms: int | None
    last_duration_s: float | None
    last_error: str | None
    consecutive_failures: int
    first_seen_ms: int
    last_seen_ms: int | None
    health_since_ms: int


@dataclass(frozen=True, slots=True)
class ScraperStatus:
    """What a scraper process last reported of itself: its config reload and a heartbeat.

    ``reload_error`` is why the newest config file was refused (the previous one keeps
    running); ``reloaded_ms`` is the last successful (re)load.
    """

    name: str
    config_file: str
    targets: int
    reload_ok: bool
    reload_error: str | None
    reloaded_ms: int
    heartbeat_ms: int


class HealthChange(NamedTuple):
    """One transition in a target's health history."""

    job: str
    instance: str
    timestamp_ms: int
    health: Health
    reason: str | None


class Series(NamedTuple):
    id: int
    name: str
    labels: Labels


class LatestSample(NamedTuple):
    series: Series
    timestamp_ms: int
    value: float


_RE2 = re2.Options()
_RE2.dot_nl = True  # "." matches a newline too, as in Prometheus
_RE2.log_errors = False  # a bad pattern is the caller's QueryError, not a line on stderr


@functools.lru_cache(maxsize=1024)
def _anchored(pattern: str) -> re2._Regexp:
    """RE2, as Prometheus uses: matching takes time linear in the input, whatever the
    pattern, so a user's regex cannot stall a read."""
    try:
        return re2.compile(f"(?:{pattern})", _RE2)
    except re2.error as exc:
        raise QueryError(f"invalid regular expression {pattern!r}: {_reason(exc)}") from exc


def _reason(error: re2.error) -> str:
    """RE2 says ``b'<reason>: <fragment>'``; the fragment would show our anchoring group."""
    text = error.args[0] if error.args else ""
    decoded = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return decoded.partition(": ")[0]


@dataclass(frozen=True, slots=True)
class Matcher:
    """A PromQL label matcher; regexes are fully anchored and an absent label reads as ""."""

    name: str
    op: MatchOp
    value: str

    def __post_init__(self) -> None:
        if self.op not in get_args(MatchOp):
            raise QueryError(f"matcher {self.name!r}: unknown operator {self.op!r}")
        if self.op in ("=~", "!~"):
            _anchored(self.value)

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.name, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        found = _anchored(self.value).fullmatch(actual) is not None
        return found if self.op == "=~" else not found


@dataclass(frozen=True, slots=True)
class RangeQuery:
    """Samples of `metric` in [start_ms, end_ms], one `fn` value per step-wide bucket."""

    metric: str
    matchers: Sequence[Matcher]
    start_ms: int
    end_ms: int
    step_ms: int
    fn: Function = "avg"
    max_points: int = 1000

    def __post_init__(self) -> None:
        if self.fn not in get_args(Function):
            raise QueryError(f"unknown function {self.fn!r}; use one of {get_args(Function)}")
        if self.step_ms <= 0:
            raise QueryError(f"step_ms must be positive, got {self.step_ms}")
        if self.end_ms < self.start_ms:
            raise QueryError(f"end_ms {self.end_ms} is before start_ms {self.start_ms}")
        if self.max_points <= 0:
            raise QueryError(f"max_points must be positive, got {self.max_points}")


Points = list[tuple[int, float]]


@dataclass(frozen=True, slots=True)
class RangeResult:
    """Per series its (bucket start, value) points; buckets without data are absent."""

    series: list[tuple[Series, Points]]
    source: Source
    step_ms: int


@dataclass(frozen=True, slots=True)
class MaintenanceReport:
    partitions_created: list[str] = field(default_factory=list)
    hours_rolled_up: int = 0
    partitions_dropped: list[str] = field(default_factory=list)
    raw_rows_deleted: int = 0
    rollup_rows_deleted: int = 0
    alert_rows_deleted: int = 0

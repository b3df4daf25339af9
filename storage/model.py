"""The values storage takes and returns; plain immutable data, no database in sight."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

import numpy as np
import numpy.typing as npt

from model.errors import QueryError
from model.health import Health
from model.matchers import Matcher
from model.samples import Labels, Metadata, Sample

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


TargetOrigin = Literal["targets.yml", "file_sd", "api"]


@dataclass(frozen=True, slots=True)
class RegisteredServer:
    """A server registered at run time (the API or the overview's form), not in a file.

    ``labels`` are sorted by name and never hold job or instance; a paused server is not
    scraped (its history stays)."""

    address: str
    job: str
    labels: Labels
    scheme: str
    scrape_interval_s: float
    paused: bool
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class TargetSource:
    """Where a scraper got one of its targets: ``file`` is the targets.yml or file_sd file
    that lists it ("" for one registered through the API)."""

    scraper: str
    job: str
    address: str
    instance: str
    source: TargetOrigin
    file: str


@dataclass(frozen=True, slots=True)
class AlertingReport:
    """A scraper's alerting in force: ``document`` is JSON of its rules, receivers and route,
    written without secrets (scraper/alerts/summary.py)."""

    scraper: str
    document: str
    reported_ms: int


@dataclass(frozen=True, slots=True)
class NotificationTest:
    """A "send test notification" request; ``results`` (JSON, one answer per integration) is
    set once the scraper that ``claimed_by`` it has sent."""

    id: int
    receiver: str
    requested_ms: int
    claimed_by: str | None = None
    answered_ms: int | None = None
    results: str | None = None


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
Buckets = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]
"""One series' bucket starts (ms) and values as two arrays: its points, in bulk."""
BucketColumns = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]
"""Buckets of many series as three arrays: each bucket's series id, start (ms) and value;
grouped by series (ascending id), by start within each."""


@dataclass(frozen=True, slots=True, eq=False)
class RangeResult:
    """Per series its buckets (starts and values, by start); buckets without data are absent.
    Equal when their series, points, source and step are: the generated ``==`` would compare
    arrays, whose truth value numpy refuses."""

    buckets: list[tuple[Series, Buckets]]
    source: Source
    step_ms: int

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RangeResult):
            return NotImplemented
        mine, theirs = (self.source, self.step_ms), (other.source, other.step_ms)
        return mine == theirs and self.series == other.series

    __hash__ = None  # type: ignore[assignment]  # its arrays are not hashable

    @property
    def series(self) -> list[tuple[Series, Points]]:
        """Per series its (bucket start, value) points, made on each call: a fleet's thousand
        series of 250 points are 250,000 tuples, which ``buckets`` spares a caller that only
        formats them."""
        return [(s, list(zip(t.tolist(), v.tolist(), strict=True))) for s, (t, v) in self.buckets]


@dataclass(frozen=True, slots=True, eq=False)
class RangeColumns:
    """A range query's buckets as columns (``BucketColumns``: each bucket's series id, start and
    value), with the query's series by id. A fleet's thousands of series of one bucket each
    (the overview's figures) cost more as RangeResult's two arrays per series than to read."""

    ids: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    series: Mapping[int, Series]
    source: Source
    step_ms: int

    def last(self) -> tuple[list[Series], npt.NDArray[np.float64]]:
        """Each series' last bucket value, series in id order (those without a bucket left
        out)."""
        final = np.append(self.ids[1:] != self.ids[:-1], True)[: self.ids.size]
        return [self.series[i] for i in self.ids[final].tolist()], self.values[final]


@dataclass(frozen=True, slots=True)
class MaintenanceReport:
    partitions_created: list[str] = field(default_factory=list)
    windows_compacted: int = 0
    samples_compacted: int = 0
    # The open day's windows put into head chunks (storage/heads.py), their rows kept.
    head_windows_chunked: int = 0
    head_samples_chunked: int = 0
    partitions_dropped: list[str] = field(default_factory=list)
    raw_rows_deleted: int = 0
    chunks_deleted: int = 0
    rollup_chunks_deleted: int = 0
    legacy_rollups_moved: int = 0
    alert_rows_deleted: int = 0

    def __str__(self) -> str:
        """One line for the log: only what was done, or "nothing to do"."""
        done = [
            f"created {', '.join(self.partitions_created)}" if self.partitions_created else "",
            f"compacted {self.samples_compacted} samples of {self.windows_compacted} days"
            if self.windows_compacted
            else "",
            f"chunked {self.head_samples_chunked} samples of {self.head_windows_chunked} "
            "windows of today"
            if self.head_windows_chunked
            else "",
            f"moved {self.legacy_rollups_moved} old rollup rows into the hourly tier"
            if self.legacy_rollups_moved
            else "",
            f"dropped {', '.join(self.partitions_dropped)}" if self.partitions_dropped else "",
            *(
                f"deleted {count} {kind}"
                for kind, count in (
                    ("raw rows", self.raw_rows_deleted),
                    ("chunks", self.chunks_deleted),
                    ("hourly tier rows", self.rollup_chunks_deleted),
                    ("alert rows", self.alert_rows_deleted),
                )
                if count
            ),
        ]
        return "; ".join(part for part in done if part) or "nothing to do"


EntryKind = Literal["rule", "receiver"]


@dataclass(frozen=True, slots=True)
class AlertingEntry:
    """A rule or receiver created in the browser or over the API (storage/entries.py).

    ``document`` is the accepted block (JSON, secrets included: the scraper's only),
    ``shown`` the same with every secret as "set"; both None until a scraper accepted one.
    ``proposed`` awaits a scraper's check since ``proposed_ms``; ``verdict`` (JSON: status and
    detail) is that check's answer."""

    kind: EntryKind
    name: str
    document: str | None
    shown: str | None
    proposed: str | None
    proposed_ms: int | None
    verdict: str | None
    created_ms: int
    updated_ms: int

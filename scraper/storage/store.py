"""Storage: the one object the scraper and the web app use."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Connection

from scraper.samples import Metadata
from scraper.storage import catalog, health, migrations, queries, reader
from scraper.storage.backend import Backend
from scraper.storage.config import Limits, Retention
from scraper.storage.model import (
    HealthChange,
    LatestSample,
    MaintenanceReport,
    Matcher,
    RangeQuery,
    RangeResult,
    ScrapeRecord,
    Series,
    TargetHealth,
)
from scraper.storage.partitions import Partitions
from scraper.storage.retention import Maintenance
from scraper.storage.writer import Writer

Clock = Callable[[], int]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class Storage:
    """A time-series store on PostgreSQL or SQLite; safe to share between threads.

    Targets are keyed by (job, instance), because one host may be scraped by several jobs.
    """

    def __init__(
        self, backend: Backend, retention: Retention, limits: Limits, clock: Clock
    ) -> None:
        self._backend = backend
        self._retention = retention
        self._limits = limits
        self._clock = clock
        partitions = Partitions(backend) if backend.is_postgresql else None
        self._writer = Writer(backend, limits, partitions)
        self._maintenance = Maintenance(backend, retention, partitions)
        self._schema_checked = False

    @classmethod
    def open(
        cls,
        url: str,
        *,
        retention: Retention | None = None,
        limits: Limits | None = None,
        clock: Clock = wall_clock_ms,
    ) -> Storage:
        """Connects lazily: an unreachable database shows on first use as StorageUnavailable."""
        return cls(Backend(url), retention or Retention(), limits or Limits(), clock)

    def upgrade(self) -> list[int]:
        """Create or upgrade the schema; return the versions applied (empty if up to date)."""
        applied = migrations.upgrade(self._backend, self._clock())
        self._schema_checked = True
        return applied

    def write(self, records: Sequence[ScrapeRecord]) -> None:
        """Write the whole batch in one transaction; on StorageUnavailable retry the same batch."""
        self._ready()
        self._writer.write(records)

    def targets(self) -> list[TargetHealth]:
        with self._reading() as conn:
            return health.load(conn)

    def target(self, job: str, instance: str) -> TargetHealth | None:
        with self._reading() as conn:
            found = health.load(conn, [(job, instance)])
        return found[0] if found else None

    def health_history(self, job: str, instance: str) -> list[HealthChange]:
        """The target's health transitions, oldest first."""
        with self._reading() as conn:
            return health.history(conn, job, instance)

    def latest(self, job: str, instance: str) -> list[LatestSample]:
        """The newest value of each series the target reported in its last successful scrape
        (or within Limits.max_timestamp_skew_ms before it)."""
        found = self.target(job, instance)
        if found is None or found.last_seen_ms is None:
            return []
        since = found.last_seen_ms - self._limits.max_timestamp_skew_ms
        with self._reading() as conn:
            return reader.latest(conn, job, instance, since)

    def series(self, metric: str | None, matchers: Sequence[Matcher] = ()) -> list[Series]:
        with self._reading() as conn:
            return reader.find_series(conn, metric, matchers)

    def query_range(self, query: RangeQuery) -> RangeResult:
        return self.query_ranges([query])[0]

    def query_ranges(self, wanted: Sequence[RangeQuery]) -> list[RangeResult]:
        """Several range queries on one connection; those that share a plan and a function are
        answered by one statement, so a dashboard of a dozen charts costs a few round trips."""
        now = self._clock()
        plans = [queries.plan(query, now, self._retention) for query in wanted]
        with self._reading() as conn:
            found = [reader.find_series(conn, q.metric, q.matchers) for q in wanted]
            jobs = [
                (p, q.fn, [s.id for s in f]) for p, q, f in zip(plans, wanted, found, strict=True)
            ]
            points = queries.run_all(conn, jobs)
        return [
            RangeResult([(s, p[s.id]) for s in f if s.id in p], plan.source, plan.step_ms)
            for plan, f, p in zip(plans, found, points, strict=True)
        ]

    def metadata(self, name: str) -> Metadata | None:
        with self._reading() as conn:
            return catalog.lookup(conn, name)

    def metadata_of(self, names: Sequence[str]) -> dict[str, Metadata]:
        """The metadata of each of ``names`` that has some, in one round trip per 1,000 names."""
        with self._reading() as conn:
            return catalog.lookup_all(conn, names)

    def maintain(self, now_ms: int | None = None) -> MaintenanceReport:
        self._ready()
        return self._maintenance.run(self._clock() if now_ms is None else now_ms)

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _ready(self) -> None:
        if not self._schema_checked:
            migrations.check(self._backend)
            self._schema_checked = True

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        self._ready()
        with self._backend.reading() as conn:
            yield conn

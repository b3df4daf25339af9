"""Storage: the one object the scraper and the web app use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Connection

from model.clock import Clock, now_ms
from model.health import TargetHealth
from model.limits import Limits
from model.matchers import Matcher
from model.samples import Metadata, Sample
from storage import (
    accounts,
    alerts,
    buckets,
    catalog,
    entries,
    exchange,
    health,
    lookups,
    migrations,
    queries,
    reader,
    registry,
    scrapers,
    selection,
)
from storage.accounts import ApiToken, Role, User
from storage.alerting import Alert, AlertEvent, NotificationEntry, Silence
from storage.backend import Backend
from storage.config import Retention
from storage.known import KnownSeries
from storage.model import (
    AlertingEntry,
    AlertingReport,
    EntryKind,
    HealthChange,
    LatestSample,
    MaintenanceReport,
    NotificationTest,
    RangeColumns,
    RangeQuery,
    RangeResult,
    RegisteredServer,
    ScrapeRecord,
    ScraperStatus,
    Series,
    TargetSource,
)
from storage.partitions import Partitions
from storage.retention import Maintenance
from storage.selection import SelectLimits, SeriesSamples
from storage.writer import Writer


class Storage:
    """A time-series store on PostgreSQL or SQLite; safe to share between threads.

    Targets are keyed by (job, instance), because one host may be scraped by several jobs.
    """

    def __init__(
        self,
        backend: Backend,
        retention: Retention,
        limits: Limits,
        clock: Clock,
        replica: Backend | None = None,
    ) -> None:
        self._backend = backend
        self._replica = replica or backend
        self._retention = retention
        self._limits = limits
        self._clock = clock
        partitions = Partitions(backend) if backend.is_postgresql else None
        self._writer = Writer(backend, limits, partitions)
        self._maintenance = Maintenance(backend, retention, partitions)
        self._schema_checked = False
        self._known = KnownSeries()

    @classmethod
    def open(
        cls,
        url: str,
        *,
        retention: Retention | None = None,
        limits: Limits | None = None,
        clock: Clock = now_ms,
        read_url: str | None = None,
    ) -> Storage:
        """Connects lazily: an unreachable database shows on first use as StorageUnavailable.

        ``read_url`` (a read replica) serves the reads that may lag a little: samples, targets,
        alerts. Accounts and silences are always read where they are written, so a revoked
        token or a new silence counts at once.
        """
        replica = Backend(read_url) if read_url and read_url != url else None
        return cls(Backend(url), retention or Retention(), limits or Limits(), clock, replica)

    @property
    def limits(self) -> Limits:
        """What a sample must respect to be stored (the scraper screens its scrapes by it)."""
        return self._limits

    def upgrade(self) -> list[int]:
        """Create or upgrade the schema; return the versions applied (empty if up to date)."""
        applied = migrations.upgrade(self._backend, self._clock())
        self._schema_checked = True
        return applied

    def schema_version(self) -> int:
        """The database's schema version: 0 if never upgraded, ``SCHEMA_VERSION`` when current."""
        with self._backend.reading() as conn:
            return migrations.version(conn)

    def write(self, records: Sequence[ScrapeRecord]) -> None:
        """Write the whole batch in one transaction; on StorageUnavailable retry the same batch."""
        self._ready()
        self._writer.write(records)

    def backfill(
        self, samples: Sequence[Sample], metadata: Mapping[str, Metadata] | None = None
    ) -> None:
        """Write samples from outside any scrape (``hostwatch-scraper db import``), each with
        its own timestamp, in one transaction: stored and compacted as scraped ones are, a
        sample already there (same series and time) is kept once, and no target's health
        changes. Raises InvalidSampleError for a sample without a timestamp or over the
        limits (nothing of the batch written)."""
        self._ready()
        self._writer.backfill(samples, metadata or {})

    def report(self, status: ScraperStatus) -> None:
        """Record a scraper process's state, replacing its previous report."""
        self._ready()
        with self._backend.writing() as conn:
            scrapers.save(self._backend, conn, status)

    def scrapers(self) -> list[ScraperStatus]:
        """Every scraper's last report, by name."""
        with self._reading() as conn:
            return scrapers.load(conn)

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

    def health_changes(self, since_ms: int) -> list[HealthChange]:
        """All targets' health transitions from ``since_ms`` on, with the one each was in then."""
        with self._reading() as conn:
            return health.changes_since(conn, since_ms)

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
            return self._known.finder(conn)(conn, metric, matchers)

    def select(
        self,
        metric: str | None,
        matchers: Sequence[Matcher],
        start_ms: int,
        end_ms: int,
        limits: SelectLimits,
    ) -> list[SeriesSamples]:
        """Every series named ``metric`` (None: any name) that ``matchers`` select, with its raw
        samples in [start_ms, end_ms] (both ends included) as numpy arrays, ordered by series
        id; a series without samples in the range is left out. Raises QueryLimitError (a
        QueryError) past ``limits`` before reading the samples it would refuse."""
        with self._reading() as conn:
            found = self._known.finder(conn)(conn, metric, matchers)
            return selection.read(conn, found, start_ms, end_ms, limits)

    def series_between(self, found: Sequence[Series], start_ms: int, end_ms: int) -> list[Series]:
        """Those of ``found`` (in their order) with samples in [start_ms, end_ms]."""
        with self._reading() as conn:
            return selection.present(conn, found, start_ms, end_ms)

    def query_range(self, query: RangeQuery) -> RangeResult:
        return self.query_ranges([query])[0]

    def query_ranges(self, wanted: Sequence[RangeQuery]) -> list[RangeResult]:
        """Several range queries on one connection; those that share a plan and a function are
        answered by one statement, so a dashboard of a dozen charts costs a few round trips."""
        return [_per_series(found) for found in self.query_columns(wanted)]

    def query_columns(self, wanted: Sequence[RangeQuery]) -> list[RangeColumns]:
        """``query_ranges`` with each query's buckets as columns."""
        now = self._clock()
        plans = [queries.plan(query, now, self._retention) for query in wanted]
        with self._reading() as conn:
            found = lookups.series_of(conn, wanted, self._known.finder(conn))
            jobs = [
                (p, q.fn, [s.id for s in f]) for p, q, f in zip(plans, wanted, found, strict=True)
            ]
            columns = queries.run_all(conn, jobs)
        return [
            RangeColumns(*c, {s.id: s for s in f}, plan.source, plan.step_ms)
            for plan, f, c in zip(plans, found, columns, strict=True)
        ]

    def metadata(self, name: str) -> Metadata | None:
        return self.metadata_of([name]).get(name)

    def add_user(self, name: str, role: Role, password_hash: str) -> User:
        """Raises AccountError if ``name`` is taken."""
        with self._writing() as conn:
            return accounts.add_user(conn, name, role, password_hash, self._clock())

    def user(self, name: str) -> User | None:
        with self._consistent() as conn:
            return accounts.find_user(conn, name)

    def user_by_id(self, user_id: int) -> User | None:
        with self._consistent() as conn:
            return accounts.user_by_id(conn, user_id)

    def users(self) -> list[User]:
        with self._consistent() as conn:
            return accounts.users(conn)

    def has_users(self) -> bool:
        with self._consistent() as conn:
            return accounts.any_user(conn)

    def set_password(self, name: str, password_hash: str) -> None:
        """Raises AccountError if there is no such user."""
        with self._writing() as conn:
            accounts.set_password(conn, name, password_hash)

    def remove_user(self, name: str) -> None:
        """Remove the user and their tokens; AccountError if there is no such user."""
        with self._writing() as conn:
            accounts.remove_user(conn, name)

    def add_token(self, user: str, name: str, digest: str) -> ApiToken:
        """Store a token by its digest for ``user``; AccountError if there is no such user."""
        with self._writing() as conn:
            return accounts.add_token(conn, user, name, digest, self._clock())

    def tokens(self, user: str | None = None) -> list[ApiToken]:
        with self._consistent() as conn:
            return accounts.tokens(conn, user)

    def token_owner(self, digest: str) -> User | None:
        with self._consistent() as conn:
            return accounts.token_owner(conn, digest)

    def revoke_token(self, token_id: int, user: str | None = None) -> None:
        """Raises AccountError unless the token exists (and is ``user``'s, when given)."""
        with self._writing() as conn:
            accounts.revoke_token(conn, token_id, user)

    def save_alerts(
        self, changed: Sequence[Alert], removed: Sequence[str], events: Sequence[AlertEvent]
    ) -> None:
        """Store the alerts that changed, drop the ``removed`` fingerprints, log ``events``."""
        with self._writing() as conn:
            alerts.save(self._backend, conn, changed, removed, events)

    def alerts(self) -> list[Alert]:
        """Every current alert (pending, firing, or resolved and not yet forgotten)."""
        with self._reading() as conn:
            return alerts.load(conn)

    def alert_history(self, instance: str = "", state: str = "") -> list[AlertEvent]:
        """Alert transitions, newest first (the latest ``alerts.HISTORY_LIMIT``)."""
        with self._reading() as conn:
            return alerts.history(conn, instance, state)

    def add_silence(self, silence: Silence) -> Silence:
        """Store ``silence`` (its id is ignored); return it with the id it was given."""
        with self._writing() as conn:
            return alerts.add_silence(conn, silence)

    def silences(self) -> list[Silence]:
        with self._consistent() as conn:
            return alerts.silences(conn)

    def expire_silence(self, silence_id: int) -> bool:
        """End the silence now; False if it does not exist or already ended."""
        with self._writing() as conn:
            return alerts.end_silence(conn, silence_id, self._clock())

    def notifications(self) -> list[NotificationEntry]:
        with self._consistent() as conn:
            return alerts.notifications(conn)

    def log_notification(self, entry: NotificationEntry) -> None:
        with self._writing() as conn:
            alerts.log_notification(self._backend, conn, entry)

    def register_server(self, server: RegisteredServer) -> RegisteredServer:
        """Raises RegistryError (``exists``) if its address is already registered."""
        with self._writing() as conn:
            return registry.add(conn, server)

    def replace_server(self, server: RegisteredServer) -> RegisteredServer:
        """Store ``server`` over the one of its address; RegistryError if there is none."""
        with self._writing() as conn:
            return registry.replace(conn, server)

    def remove_server(self, address: str) -> None:
        """Raises RegistryError if no server of ``address`` is registered."""
        with self._writing() as conn:
            registry.remove(conn, address)

    def registered_server(self, address: str) -> RegisteredServer | None:
        with self._consistent() as conn:
            return registry.find(conn, address)

    def registered_servers(self) -> list[RegisteredServer]:
        """Every registered server by address; read where written, so a change counts at once."""
        with self._consistent() as conn:
            return registry.servers(conn)

    def report_sources(self, scraper: str, sources: Sequence[TargetSource]) -> None:
        """Replace what ``scraper`` last reported of where its targets come from."""
        with self._writing() as conn:
            registry.save_sources(conn, scraper, sources)

    def target_sources(self) -> list[TargetSource]:
        """Every scraper's targets with their source, by job and address."""
        with self._consistent() as conn:
            return registry.sources(conn)

    def report_alerting(self, report: AlertingReport) -> None:
        """Replace what the scraper of ``report`` last said of its alerting in force."""
        with self._writing() as conn:
            exchange.save_alerting(self._backend, conn, report)

    def alerting_reports(self) -> list[AlertingReport]:
        with self._consistent() as conn:
            return exchange.alerting(conn)

    def request_notification_test(self, receiver: str) -> NotificationTest:
        with self._writing() as conn:
            return exchange.request_test(conn, receiver, self._clock())

    def claim_notification_tests(self, scraper: str, since_ms: int) -> list[NotificationTest]:
        """The test requests from ``since_ms`` on that no scraper took yet, now ``scraper``'s."""
        with self._writing() as conn:
            return exchange.claim_tests(conn, scraper, since_ms)

    def answer_notification_test(self, test_id: int, results: str) -> None:
        with self._writing() as conn:
            exchange.answer_test(conn, test_id, results, self._clock())

    def notification_test(self, test_id: int) -> NotificationTest | None:
        with self._consistent() as conn:
            return exchange.find_test(conn, test_id)

    def propose_entry(self, kind: EntryKind, name: str, proposed: str) -> None:
        """Put a rule or receiver block (JSON) up for a scraper's check."""
        with self._writing() as conn:
            entries.propose(conn, kind, name, proposed, self._clock())

    def settle_entry(
        self, entry: AlertingEntry, verdict: str, accepted: tuple[str, str] | None
    ) -> bool:
        """A scraper's answer to ``entry``'s proposal; False if a newer one replaced it."""
        with self._writing() as conn:
            return entries.settle(conn, entry, verdict, accepted, self._clock())

    def remove_entry(self, kind: EntryKind, name: str) -> bool:
        with self._writing() as conn:
            return entries.remove(conn, kind, name)

    def entry(self, kind: EntryKind, name: str) -> AlertingEntry | None:
        with self._consistent() as conn:
            return entries.find(conn, kind, name)

    def entries(self) -> list[AlertingEntry]:
        """Every rule and receiver created in the browser or over the API, receivers first."""
        with self._consistent() as conn:
            return entries.entries(conn)

    def metadata_of(self, names: Sequence[str]) -> dict[str, Metadata]:
        """The metadata of each of ``names`` that has some, in one round trip per 1,000 names."""
        with self._reading() as conn:
            return catalog.lookup_all(conn, names)

    def maintain(self, now_ms: int | None = None) -> MaintenanceReport:
        self._ready()
        return self._maintenance.run(self._clock() if now_ms is None else now_ms)

    def close(self) -> None:
        self._backend.close()
        if self._replica is not self._backend:
            self._replica.close()

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
        """A connection to the read replica, if there is one."""
        self._ready()
        with self._replica.reading() as conn:
            yield conn

    @contextmanager
    def _consistent(self) -> Iterator[Connection]:
        """A read connection that sees every committed write: the primary's."""
        self._ready()
        with self._backend.reading() as conn:
            yield conn

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        self._ready()
        with self._backend.writing() as conn:
            yield conn


def _per_series(found: RangeColumns) -> RangeResult:
    """A query's columns as each series' pair of arrays, series in id order."""
    by_id = buckets.labelled((found.ids, found.starts, found.values))
    kept = [(s, by_id[s.id]) for s in found.series.values() if s.id in by_id]
    return RangeResult(kept, found.source, found.step_ms)

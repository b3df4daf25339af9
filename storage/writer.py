"""The write path: validate a batch, then write it all in one transaction or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from model.errors import InvalidSampleError
from model.limits import Limits
from model.samples import Metadata, Sample
from storage import bulk, catalog, compaction, health
from storage.backend import Backend
from storage.catalog import Catalog
from storage.model import ScrapeRecord
from storage.partitions import Partitions, day_of
from storage.series import SeriesCache, SeriesKey, resolve
from storage.state import COMPACTED, get_state, set_state
from storage.validation import check_series, check_timestamp


@dataclass(slots=True)
class _Plan:
    """A validated batch, flattened: one (series key, t, value) per sample."""

    points: list[tuple[SeriesKey, int, float]] = field(default_factory=list)
    days: set[int] = field(default_factory=set)
    new_series: list[SeriesKey] = field(default_factory=list)
    metadata: dict[str, Metadata] = field(default_factory=dict)


class Writer:
    def __init__(self, backend: Backend, limits: Limits, partitions: Partitions | None) -> None:
        self._backend = backend
        self._limits = limits
        self._partitions = partitions
        self._series = SeriesCache()
        self._catalog = Catalog()

    def write(self, records: Sequence[ScrapeRecord]) -> None:
        if records:
            self._commit(self._plan(records), records)

    def backfill(self, samples: Sequence[Sample], metadata: Mapping[str, Metadata]) -> None:
        """Samples that each carry their own timestamp, from no scrape: no target's health
        changes. Stored as scraped samples are (so compacted the same way), each once."""
        plan = _Plan()
        for name, labels, value, t in samples:
            if t is None:
                raise InvalidSampleError(f"series {name}: a backfilled sample needs a timestamp")
            plan.points.append(((name, labels), t, value))
        plan.days = {day_of(t) for _, t, _ in plan.points}
        plan.metadata = self._catalog.changed(metadata)
        self._check_new_series(plan)
        if plan.points or plan.metadata:
            self._commit(plan, ())

    def _commit(self, plan: _Plan, records: Sequence[ScrapeRecord]) -> None:
        if self._partitions is not None:
            self._partitions.ensure(plan.days)
        with self._backend.writing() as conn:
            created = resolve(self._backend, conn, plan.new_series)
            ids = self._series.with_pending(created)
            rows = [(ids[key], t, v) for key, t, v in plan.points]
            bulk.load(self._backend, conn, rows)
            self._flag_late(conn, plan.days)
            catalog.store(self._backend, conn, plan.metadata)
            if records:
                health.update(self._backend, conn, records)
        # Only now that the transaction committed may the caches trust what it created.
        self._series.remember(created)
        self._catalog.remember(plan.metadata)

    def _flag_late(self, conn: Connection, days: set[int]) -> None:
        """Mark the compacted windows this batch wrote into, so maintain() compacts them again.

        Read after the rows went in: a compaction that marked a window since then is seen
        here, and one that marks it later finds the rows (or, on PostgreSQL, waits for them).
        """
        compacted = get_state(conn, COMPACTED)
        for day in days:
            if compacted is not None and day < compacted:
                set_state(self._backend, conn, compaction.late_key(day), day)

    def _plan(self, records: Sequence[ScrapeRecord]) -> _Plan:
        plan = _Plan()
        for record in records:
            plan.points.extend(self._points(record, plan.days))
            plan.metadata.update(self._catalog.changed(record.metadata))
        self._check_new_series(plan)
        return plan

    def _check_new_series(self, plan: _Plan) -> None:
        plan.new_series = self._series.missing(key for key, _, _ in plan.points)
        for name, labels in plan.new_series:
            check_series(name, labels, self._limits)

    def _points(self, record: ScrapeRecord, days: set[int]) -> list[tuple[SeriesKey, int, float]]:
        """The record's samples as (key, t, value); adds the days they fall on to `days`."""
        scraped = record.timestamp_ms
        days.add(day_of(scraped))
        for sample in record.samples:
            if sample.timestamp_ms is not None:
                check_timestamp(record, sample.timestamp_ms, self._limits)
                days.add(day_of(sample.timestamp_ms))
        return [
            ((name, labels), scraped if t is None else t, value)
            for name, labels, value, t in record.samples
        ]

"""The write path: validate a batch, then write it all in one transaction or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Connection

from model.errors import InvalidSampleError
from model.limits import Limits
from model.samples import Metadata, Sample
from storage import bulk, catalog, compaction, heads, health
from storage.backend import Backend
from storage.catalog import Catalog
from storage.model import ScrapeRecord
from storage.partitions import Partitions, day_of
from storage.series import SeriesCache, SeriesKey, resolve
from storage.state import COMPACTED, HEAD_PENDING, HEAD_UNTIL, set_state, states_named
from storage.validation import check_series, check_timestamp


@dataclass(slots=True)
class _Plan:
    """A validated batch, flattened into columns: a series id, a timestamp and a value per
    sample. The id is None for a series not committed yet, whose samples ``unknown`` lists."""

    ids: list[int | None] = field(default_factory=list)
    times: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    unknown: dict[SeriesKey, list[int]] = field(default_factory=dict)
    days: set[int] = field(default_factory=set)
    metadata: dict[str, Metadata] = field(default_factory=dict)

    def add(self, ids: list[int | None], samples: Sequence[Sample], times: Sequence[int]) -> None:
        """``samples``' columns, with the ids the series cache knew (None for a new one)."""
        start = len(self.ids)
        self.ids += ids
        self.times += times
        self.values += [value for _, _, value, _ in samples]
        if None in ids:
            for at, (name, labels, _, _) in enumerate(samples, start):
                if self.ids[at] is None:
                    self.unknown.setdefault((name, labels), []).append(at)

    def rows(self, created: Mapping[SeriesKey, int]) -> list[bulk.SampleRow]:
        """(series id, t, value) per sample, the new series' ids from ``created``."""
        ids = self.ids
        for key, places in self.unknown.items():
            for at in places:
                ids[at] = created[key]
        return list(zip(cast(list[int], ids), self.times, self.values, strict=True))


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
        times = []
        for name, _, _, t in samples:
            if t is None:
                raise InvalidSampleError(f"series {name}: a backfilled sample needs a timestamp")
            times.append(t)
        plan.add(self._ids_of(samples), samples, times)
        plan.days = {day_of(t) for t in set(times)}
        plan.metadata = self._catalog.changed(metadata)
        self._check_new_series(plan)
        if plan.ids or plan.metadata:
            self._commit(plan, ())

    def _commit(self, plan: _Plan, records: Sequence[ScrapeRecord]) -> None:
        if self._partitions is not None:
            self._partitions.ensure(plan.days)
        with self._backend.writing() as conn:
            created = resolve(self._backend, conn, list(plan.unknown))
            bulk.load(self._backend, conn, plan.rows(created))
            self._flag_late(conn, plan)
            catalog.store(self._backend, conn, plan.metadata)
            if records:
                health.update(self._backend, conn, records)
        # Only now that the transaction committed may the caches trust what it created.
        self._series.remember(created)
        self._catalog.remember(plan.metadata)

    def _flag_late(self, conn: Connection, plan: _Plan) -> None:
        """Mark the compacted windows this batch wrote into, so maintain() compacts them again,
        and lower the open day's watermark below its samples (storage/heads.py).

        Read after the rows went in: a compaction that marked a window since then is seen
        here, and one that marks it later finds the rows (or, on PostgreSQL, waits for them).
        """
        state = states_named(conn, HEAD_UNTIL, COMPACTED, HEAD_PENDING)
        compacted = state.get(COMPACTED)
        for day in plan.days:
            if compacted is not None and day < compacted:
                set_state(self._backend, conn, compaction.late_key(day), day)
        heads.lower(conn, state, plan.times)

    def _plan(self, records: Sequence[ScrapeRecord]) -> _Plan:
        plan = _Plan()
        for record in records:
            self._add(record, plan)
            plan.metadata.update(self._catalog.changed(record.metadata))
        self._check_new_series(plan)
        return plan

    def _check_new_series(self, plan: _Plan) -> None:
        for name, labels in plan.unknown:
            check_series(name, labels, self._limits)

    def _ids_of(self, samples: Sequence[Sample]) -> list[int | None]:
        """The committed id of each sample's series, None for a series new to this cache."""
        known = self._series.known
        return [known((name, labels)) for name, labels, _, _ in samples]

    def _add(self, record: ScrapeRecord, plan: _Plan) -> None:
        """The record's samples into ``plan``, each at its own timestamp or the scrape's; the
        days they fall on into ``plan.days``. Checked and dated per distinct timestamp: a
        scrape's samples share one or a few."""
        scraped = record.timestamp_ms
        plan.days.add(day_of(scraped))
        samples = record.samples
        if not samples:
            return
        times = [scraped if t is None else t for _, _, _, t in samples]
        distinct = set(times)
        if len(distinct) > 1 or scraped not in distinct:
            for t in sorted(distinct):
                check_timestamp(record, t, self._limits)
            plan.days.update({day_of(t) for t in distinct})
        plan.add(self._ids_of(samples), samples, times)

"""The hosts that push: when each last sent samples, the series each sent, which fell silent.

A pusher is up while its samples arrive; one silent for ``silence_ms`` is marked down with a
reason, as a failed scrape marks a scraped target down (the agent-silence check). The series
each pusher sent in the last ``series_ttl_ms`` are counted so that one sender cannot flood the
database with new series; a series not seen for that long stops counting (churn is allowed).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from model.errors import InvalidSampleError, PushError
from model.limits import Limits
from model.samples import Labels, Sample
from scraper.remote.batch import SOURCE
from storage import ScrapeRecord, TargetHealth
from storage.validation import check_series

TargetKey = tuple[str, str]
SeriesKey = tuple[str, Labels]
PRUNE_EVERY_MS = 600_000


@dataclass
class _Pusher:
    last_ms: int
    series: dict[int, int] = field(default_factory=dict)  # hash of name and labels: last seen
    down: bool = False


@dataclass(frozen=True, slots=True)
class PushLimits:
    max_series_per_target: int = 20_000
    max_targets: int = 100_000
    silence_ms: int = 6 * 60_000
    series_ttl_ms: int = 3_600_000


class Pushers:
    """Shared by the receiver's request threads and the event loop's silence check."""

    def __init__(self, limits: PushLimits, storage_limits: Limits) -> None:
        self.limits = limits
        self._storage_limits = storage_limits
        self._known: dict[TargetKey, _Pusher] = {}
        self._lock = threading.Lock()
        self._pruned_ms = 0

    def targets(self) -> set[TargetKey]:
        with self._lock:
            return set(self._known)

    def restore(self, targets: Iterable[TargetHealth], now_ms: int) -> None:
        """Take up the pushers a previous run knew, so one that never returns is still marked
        down after ``silence_ms`` (counted from now: this process saw nothing before)."""
        with self._lock:
            for target in targets:
                if SOURCE in target.labels and (target.job, target.instance) not in self._known:
                    self._known[target.job, target.instance] = _Pusher(
                        now_ms, down=target.health != "up"
                    )

    def admit(self, records: Sequence[ScrapeRecord], now_ms: int) -> None:
        """Remember ``records`` as arrived; PushError 400, remembering nothing, if a pusher
        would pass its series limit, there would be too many pushers, or a new series is unfit."""
        # Each series hashed once per request (a tuple's hash is not cached): the check and
        # the bookkeeping share them.
        hashes = [[hash((s.name, s.labels)) for s in record.samples] for record in records]
        with self._lock:
            fresh = {
                (r.job, r.instance): self._new_series(r, keys)
                for r, keys in zip(records, hashes, strict=True)
            }
            self._check(fresh)
            for record, keys in zip(records, hashes, strict=True):
                self._arrived(record, keys, now_ms)

    def silent(self, now_ms: int) -> list[ScrapeRecord]:
        """A down record for each pusher that has just passed ``silence_ms`` without samples."""
        reason = f"no samples for {_duration(self.limits.silence_ms)}"
        with self._lock:
            self._prune(now_ms)
            quiet = [
                (key, pusher)
                for key, pusher in self._known.items()
                if not pusher.down and now_ms - pusher.last_ms >= self.limits.silence_ms
            ]
            for _, pusher in quiet:
                pusher.down = True
        return [_down(job, instance, now_ms, reason) for (job, instance), _ in quiet]

    def _new_series(self, record: ScrapeRecord, keys: list[int]) -> dict[int, SeriesKey]:
        known = self._known.get((record.job, record.instance))
        seen = known.series if known else {}
        return {
            key: (sample.name, sample.labels)
            for key, sample in zip(keys, record.samples, strict=True)
            if key not in seen
        }

    def _check(self, fresh: dict[TargetKey, dict[int, SeriesKey]]) -> None:
        added = [key for key in fresh if key not in self._known]
        if len(self._known) + len(added) > self.limits.max_targets:
            raise PushError(400, f"over the limit of {self.limits.max_targets:,} pushing targets")
        for (job, instance), series in fresh.items():
            known = self._known.get((job, instance))
            total = len(series) + (len(known.series) if known else 0)
            if total > self.limits.max_series_per_target:
                raise PushError(
                    400,
                    f"target {job}/{instance} would have {total:,} series, over the limit of "
                    f"{self.limits.max_series_per_target:,} per pushing target",
                )
            self._validate(series.values())

    def _validate(self, series: Iterable[SeriesKey]) -> None:
        """Storage's series rules, for series new to their pusher only (the others passed)."""
        try:
            for name, labels in series:
                check_series(name, labels, self._storage_limits)
        except InvalidSampleError as error:
            raise PushError(400, str(error)) from None

    def _arrived(self, record: ScrapeRecord, keys: list[int], now_ms: int) -> None:
        pusher = self._known.setdefault((record.job, record.instance), _Pusher(now_ms))
        pusher.last_ms, pusher.down = now_ms, False
        pusher.series.update(dict.fromkeys(keys, now_ms))

    def _prune(self, now_ms: int) -> None:
        if now_ms - self._pruned_ms < PRUNE_EVERY_MS:
            return
        self._pruned_ms = now_ms
        oldest = now_ms - self.limits.series_ttl_ms
        for pusher in self._known.values():
            pusher.series = {key: seen for key, seen in pusher.series.items() if seen >= oldest}


def _duration(ms: int) -> str:
    return f"{ms // 60_000}m" if ms % 60_000 == 0 else f"{ms / 1000:g}s"


def _down(job: str, instance: str, now_ms: int, reason: str) -> ScrapeRecord:
    labels = (("instance", instance), ("job", job), SOURCE)
    up = Sample("up", (("instance", instance), ("job", job)), 0.0)
    return ScrapeRecord(job, instance, labels, now_ms, 0.0, reason, [up])

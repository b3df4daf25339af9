"""What storage would refuse, found while the scrape is still the target's own.

Storage refuses a batch holding a sample over its Limits. Were such a sample buffered, the
whole scrape (its ``up`` and the target's health row with it) would be refused, and the
target would look up while its last scrape aged. So each scrape is screened first, as
Prometheus does: a sample whose timestamp is out of bounds, or a repeat of a series already in
the scrape, is dropped and counted; a series storage can never hold fails the scrape, and the
target shows down with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from model.errors import ScrapeError
from model.limits import Limits
from model.samples import Labels, Sample
from storage.validation import in_bounds, series_problem

SeriesAt = tuple[str, Labels, int | None]
SeriesKey = tuple[str, Labels]
_NONE: frozenset[Labels] = frozenset()


@dataclass(frozen=True, slots=True)
class Screened:
    """A scrape's samples that storage will take, and how many were dropped and why."""

    samples: list[Sample]
    out_of_bounds: int = 0
    duplicates: int = 0
    vanished: list[SeriesKey] = field(default_factory=list)
    """Series of the previous scrape that this one lacks: each gets a stale marker."""

    @property
    def dropped(self) -> int:
        return self.out_of_bounds + self.duplicates


class Screen:
    """Screens the scrapes of one target; remembers the series its last scrape passed, so a
    series is checked against the limits once, not once per scrape.

    Series are remembered as metric name -> set of label tuples (those the Attacher shares
    from scrape to scrape), not as a tuple per series: that cost 64 bytes more per series of
    every target, for as long as the target is scraped.

    The same memory tells which series vanished since the last scrape (as Prometheus, only
    those without their own timestamp): the series new since the last scrape are counted
    where they are checked, and only when fewer of the last scrape's series are left than it
    had are the sets compared, so a scrape exposing the same series as the last one (nearly
    all of them) pays nothing per sample.
    """

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._passed: dict[str, set[Labels]] = {}
        self._passed_at: set[SeriesAt] = set()
        """Series with their own timestamps (rare), keyed with it: a series may come twice."""
        self._count = 0  # the series in _passed

    def forget(self) -> list[SeriesKey]:
        """The series the last scrape passed, forgotten: the target failed or is gone."""
        gone = [(name, labels) for name, group in self._passed.items() for labels in group]
        self._passed, self._passed_at, self._count = {}, set(), 0
        return gone

    def __call__(
        self, samples: Iterable[Sample], scraped_ms: int, reserved: Iterable[SeriesAt] = ()
    ) -> Screened:
        """Raises ScrapeError (kind "limit") naming the first series storage cannot hold;
        a sample of a ``reserved`` series (the scraper's own, like ``up``) is a duplicate."""
        limits, passed, passed_at = self._limits, self._passed, self._passed_at
        seen: dict[str, set[Labels]] = {}
        seen_at: set[SeriesAt] = set()
        # Series without a timestamp of their own: this scrape's, and those new since the
        # last one (counted where a new series is checked, off the common path).
        count = new = stamped = 0
        for name, labels, _ in reserved:
            seen.setdefault(name, set()).add(labels)
            count += 1
            new += labels not in passed.get(name, _NONE)
        kept: list[Sample] = []
        out_of_bounds = duplicates = 0
        for sample in samples:
            name, labels, _, timestamp_ms = sample
            if timestamp_ms is None:
                group = seen.get(name)
                if group is None:
                    group = seen[name] = set()
                if labels in group:
                    duplicates += 1
                    continue
                group.add(labels)
                checked = labels in passed.get(name, _NONE)
            else:
                if not in_bounds(timestamp_ms, scraped_ms, limits):
                    out_of_bounds += 1
                    continue
                key = (name, labels, timestamp_ms)
                if key in seen_at:
                    duplicates += 1
                    continue
                seen_at.add(key)
                stamped += 1
                checked = key in passed_at
            if not checked:
                new += timestamp_ms is None
                problem = series_problem(name, labels, limits)
                if problem is not None:
                    raise ScrapeError(problem, "limit")
            kept.append(sample)
        count += len(kept) - stamped
        # Fewer of the last scrape's series than it had: some vanished.
        vanished = _vanished(passed, seen) if count - new < self._count else []
        self._passed, self._passed_at, self._count = seen, seen_at, count
        return Screened(kept, out_of_bounds, duplicates, vanished)


def _vanished(before: dict[str, set[Labels]], now: dict[str, set[Labels]]) -> list[SeriesKey]:
    return [
        (name, labels)
        for name, group in before.items()
        for labels in group.difference(now.get(name, _NONE))
    ]

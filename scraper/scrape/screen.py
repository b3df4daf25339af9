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
from dataclasses import dataclass

from model.errors import ScrapeError
from model.limits import Limits
from model.samples import Labels, Sample
from storage.validation import in_bounds, series_problem

SeriesAt = tuple[str, Labels, int | None]


@dataclass(frozen=True, slots=True)
class Screened:
    """A scrape's samples that storage will take, and how many were dropped and why."""

    samples: list[Sample]
    out_of_bounds: int = 0
    duplicates: int = 0

    @property
    def dropped(self) -> int:
        return self.out_of_bounds + self.duplicates


class Screen:
    """Screens the scrapes of one target; remembers the series its last scrape passed, so a
    series is checked against the limits once, not once per scrape."""

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._passed: set[SeriesAt] = set()

    def __call__(
        self, samples: Iterable[Sample], scraped_ms: int, reserved: Iterable[SeriesAt] = ()
    ) -> Screened:
        """Raises ScrapeError (kind "limit") naming the first series storage cannot hold;
        a sample of a ``reserved`` series (the scraper's own, like ``up``) is a duplicate."""
        limits, passed, seen = self._limits, self._passed, set(reserved)
        kept: list[Sample] = []
        out_of_bounds = duplicates = 0
        for sample in samples:
            name, labels, _, timestamp_ms = sample
            if timestamp_ms is not None and not in_bounds(timestamp_ms, scraped_ms, limits):
                out_of_bounds += 1
                continue
            key = (name, labels, timestamp_ms)
            before = len(seen)
            seen.add(key)
            if len(seen) == before:
                duplicates += 1
                continue
            if key not in passed:
                problem = series_problem(name, labels, limits)
                if problem is not None:
                    raise ScrapeError(problem, "limit")
            kept.append(sample)
        self._passed = seen
        return Screened(kept, out_of_bounds, duplicates)

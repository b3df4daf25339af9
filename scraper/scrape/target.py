"""A scrape target: what is scraped and how (identity), and when (its hashed offset).

How its scrapes went is model.health's, kept by storage: the loop holds no state of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from model.samples import Labels
from scraper.config import JobConfig
from scraper.fingerprint import fingerprint
from storage import TargetOrigin


@dataclass(frozen=True)
class Target:
    """One endpoint of one job. Equal targets are the same scrape: a reload keeps their loop."""

    job: JobConfig
    address: str
    labels: Labels  # job, instance and the group's labels, sorted: attached to every sample
    # Where it is listed: not part of the scrape, so a target that moves between sources
    # with nothing else changed keeps its loop.
    origin: TargetOrigin = field(default="targets.yml", compare=False)
    file: str = field(default="", compare=False)

    @property
    def instance(self) -> str:
        return dict(self.labels).get("instance", self.address)

    @cached_property
    def url(self) -> str:
        query = f"?{urlencode(self.job.params)}" if self.job.params else ""
        return f"{self.job.scheme}://{self.address}{self.job.metrics_path}{query}"

    @cached_property
    def hash(self) -> int:
        return fingerprint(f"{self.url}\0{self.labels}")

    def next_scrape(self, now: float) -> float:
        """The first time at or after ``now`` in this target's slot of the interval.

        Every target keeps the same offset inside the interval, derived from its hash as in
        Prometheus, so thousands of targets spread evenly instead of firing together.
        """
        interval = self.job.scrape_interval
        slot = now - now % interval + (self.hash % 1_000_000) / 1_000_000 * interval
        return slot if slot >= now else slot + interval

    def first_scrape(self, now: float, within: float = 5.0) -> float:
        """A new target is scraped within seconds, so a fresh install shows data at once."""
        return now + (self.hash % 1000) / 1000 * min(within, self.job.scrape_interval)

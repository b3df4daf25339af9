"""A target's health and the one transition that moves it: storage keeps it per target, the
alert evaluator follows it to suppress the alerts of targets behind one that is down."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, Protocol

from model.samples import Labels

Health = Literal["up", "down", "unknown"]


class Scrape(Protocol):
    """What the transition reads of a scrape (storage's ScrapeRecord has it)."""

    @property
    def job(self) -> str: ...
    @property
    def instance(self) -> str: ...
    @property
    def labels(self) -> Labels: ...
    @property
    def timestamp_ms(self) -> int: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def error(self) -> str | None: ...


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


def advance(previous: TargetHealth | None, scrape: Scrape) -> TargetHealth:
    """The target's health after ``scrape``: up if it succeeded, else down with its reason."""
    health: Health = "up" if scrape.error is None else "down"
    start = previous or _first(scrape)
    changed = start.health != health
    return dataclasses.replace(
        start,
        labels=scrape.labels,
        health=health,
        last_scrape_ms=scrape.timestamp_ms,
        last_duration_s=scrape.duration_s,
        last_error=scrape.error,
        consecutive_failures=0 if health == "up" else start.consecutive_failures + 1,
        last_seen_ms=scrape.timestamp_ms if health == "up" else start.last_seen_ms,
        health_since_ms=scrape.timestamp_ms if changed else start.health_since_ms,
    )


def _first(scrape: Scrape) -> TargetHealth:
    # 'unknown' is never stored: it only makes the first scrape count as a transition.
    return TargetHealth(
        job=scrape.job,
        instance=scrape.instance,
        labels=scrape.labels,
        health="unknown",
        last_scrape_ms=None,
        last_duration_s=None,
        last_error=None,
        consecutive_failures=0,
        first_seen_ms=scrape.timestamp_ms,
        last_seen_ms=None,
        health_since_ms=scrape.timestamp_ms,
    )

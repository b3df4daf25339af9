"""The loop that scrapes one target, every interval, in its own slot, never overlapping itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import anyio

from model.errors import ScrapeError
from model.samples import Metadata, Sample
from model.staleness import STALE_NAN
from scraper.labels import Attacher
from scraper.parser import ParsedBody
from scraper.parser.cache import ScrapeCache
from scraper.scrape.fetch import Fetcher
from scraper.scrape.screen import Screen, Screened
from scraper.scrape.target import Target
from scraper.telemetry import Telemetry
from storage import ScrapeRecord

log = logging.getLogger(__name__)

Sink = Callable[[ScrapeRecord], None]
SYNTHETIC = {
    "up": Metadata("gauge", "1 if the target's last scrape succeeded, else 0."),
    "scrape_duration_seconds": Metadata("gauge", "Seconds the target's last scrape took."),
    "scrape_samples_scraped": Metadata("gauge", "Samples the target's last scrape exposed."),
    "scrape_samples_dropped": Metadata(
        "gauge",
        "Samples of the target's last scrape not stored: timestamps out of bounds, duplicates.",
    ),
}


class ScrapeLoop:
    """Scrapes ``target`` until cancelled; each result, success or failure, goes to ``sink``.

    Scrapes run one after another in this task, so one never overlaps the next; a scrape that
    runs past its slot only makes the loop skip to the following one.
    """

    def __init__(
        self,
        target: Target,
        fetcher: Fetcher,
        sink: Sink,
        limiter: anyio.CapacityLimiter,
        telemetry: Telemetry,
        cache: ScrapeCache | None = None,
    ) -> None:
        self.target = target
        self._fetcher = fetcher
        self._sink = sink
        self._limiter = limiter
        self._telemetry = telemetry
        self._cache = cache or ScrapeCache()
        self._attach = Attacher(target.labels, target.job.honor_labels)
        self._screen = Screen(
            target.job.limits
        )  # its job's: storage's ceilings with the job's keys
        self._last: tuple[int, float] | None = None  # time and duration of a last good scrape

    async def run(self) -> None:
        slot = self.target.first_scrape(time.time())
        while True:
            await _sleep_until(slot)
            await self.scrape(slot)
            slot = self.target.next_scrape(time.time())

    async def scrape(self, slot: float | None = None) -> ScrapeRecord:
        """Scrape now; ``slot`` is when the schedule wanted it, to measure how late it ran."""
        started, clock = time.time(), time.perf_counter()
        body, screened, error = ParsedBody([], {}), Screened([]), None
        synthetic: list[Sample] = []
        try:
            async with self._limiter:
                if slot is not None:
                    self._telemetry.lag.observe(max(0.0, time.time() - slot))
                body = await self._fetcher.fetch(self.target, self._cache)
            synthetic, screened = self._take(body, int(started * 1000))
            vanished = screened.vanished
        except ScrapeError as failure:
            error = failure.reason
            synthetic = self._attach(_synthetic())
            # As in Prometheus, a failed scrape is an empty one: every series it had goes
            # stale, but for the report, which is written as ever.
            reported = {(s.name, s.labels) for s in synthetic}
            vanished = [key for key in self._screen.forget() if key not in reported]
            self._telemetry.failures.labels(self.target.job.job_name, failure.kind).inc()
        duration = time.perf_counter() - clock
        self._telemetry.scrapes.labels(self.target.job.job_name).inc()
        self._telemetry.duration.labels(self.target.job.job_name).observe(duration)
        self._count_dropped(screened)
        values = (0.0 if error else 1.0, duration, len(body.samples), screened.dropped)
        report = [s._replace(value=float(v)) for s, v in zip(synthetic, values, strict=True)]
        # A failed scrape stores only the report, so the body's metadata would describe nothing.
        metadata = SYNTHETIC if error else {**body.metadata, **SYNTHETIC}
        markers = [Sample(name, labels, STALE_NAN) for name, labels in vanished]
        samples = [*screened.samples, *markers, *report]
        record = self._record(int(started * 1000), duration, error, samples, metadata)
        self._last = None if error else (record.timestamp_ms, duration)
        self._sink(record)
        return record

    def retire(self) -> None:
        """The target left the configuration: each series of its last scrape, the scraper's own
        (``up``...) included, gets a stale marker now, as Prometheus's scraper writes them.

        They come in a record that restates that last scrape (its time, no error), so the
        target's health stays as it was (``advance`` gives the same state), each marker with
        its own timestamp. Nothing is written if the last scrape failed: its series were marked
        stale then, and a failure restated would count once more.
        """
        if self._last is None:
            return
        scraped_ms, duration = self._last
        now = int(time.time() * 1000)
        # The screen remembers the scraper's own series with the body's (they were reserved).
        gone = self._screen.forget()
        markers = [Sample(name, labels, STALE_NAN, now) for name, labels in gone]
        self._sink(self._record(scraped_ms, duration, None, markers, {}))

    def _record(
        self,
        scraped_ms: int,
        duration: float,
        error: str | None,
        samples: list[Sample],
        metadata: dict[str, Metadata],
    ) -> ScrapeRecord:
        return ScrapeRecord(
            job=self.target.job.job_name,
            instance=self.target.instance,
            labels=self.target.labels,
            timestamp_ms=scraped_ms,
            duration_s=duration,
            error=error,
            samples=samples,
            metadata=metadata,
        )

    def _take(self, body: ParsedBody, scraped_ms: int) -> tuple[list[Sample], Screened]:
        """The synthetic series and the body's, with the target's labels, screened for storage.

        One call of the Attacher for both, as it remembers only the label sets of its last
        call. A body sample naming a synthetic series counts as a duplicate: the report wins.
        """
        attached = self._attach([*_synthetic(), *body.samples])
        synthetic, scraped = attached[: len(SYNTHETIC)], attached[len(SYNTHETIC) :]
        reserved = [(s.name, s.labels, None) for s in synthetic]
        return synthetic, self._screen(scraped, scraped_ms, reserved)

    def _count_dropped(self, screened: Screened) -> None:
        """Dropped samples are counted per job and reason, and logged naming the target."""
        job = self.target.job.job_name
        for reason, count in (
            ("out_of_bounds", screened.out_of_bounds),
            ("duplicate", screened.duplicates),
        ):
            if count:
                self._telemetry.scrape_dropped.labels(job, reason).inc(count)
                log.warning(
                    "%s/%s: dropped %d samples (%s)", job, self.target.instance, count, reason
                )


def _synthetic() -> list[Sample]:
    """The series the scraper adds to every scrape, in SYNTHETIC's order; values come later."""
    return [Sample(name, (), 0.0) for name in SYNTHETIC]


async def _sleep_until(deadline: float) -> None:
    await anyio.sleep(max(0.0, deadline - time.time()))

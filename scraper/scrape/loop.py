"""The loop that scrapes one target, every interval, in its own slot, never overlapping itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import anyio

from model.errors import ScrapeError
from model.samples import Metadata, Sample
from scraper.labels import Attacher
from scraper.parser import ParsedBody
from scraper.parser.cache import ScrapeCache
from scraper.scrape.fetch import Fetcher
from scraper.scrape.target import Target
from scraper.telemetry import Telemetry
from storage import ScrapeRecord

log = logging.getLogger(__name__)

Sink = Callable[[ScrapeRecord], None]
SYNTHETIC = {
    "up": Metadata("gauge", "1 if the target's last scrape succeeded, else 0."),
    "scrape_duration_seconds": Metadata("gauge", "Seconds the target's last scrape took."),
    "scrape_samples_scraped": Metadata("gauge", "Samples the target's last scrape exposed."),
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

    async def run(self) -> None:
        slot = self.target.first_scrape(time.time())
        while True:
            await _sleep_until(slot)
            await self.scrape(slot)
            slot = self.target.next_scrape(time.time())

    async def scrape(self, slot: float | None = None) -> ScrapeRecord:
        """Scrape now; ``slot`` is when the schedule wanted it, to measure how late it ran."""
        started, clock = time.time(), time.perf_counter()
        try:
            async with self._limiter:
                if slot is not None:
                    self._telemetry.lag.observe(max(0.0, time.time() - slot))
                body = await self._fetcher.fetch(self.target, self._cache)
            error = None
        except ScrapeError as failure:
            body, error = ParsedBody([], {}), failure.reason
            self._telemetry.failures.labels(self.target.job.job_name, failure.kind).inc()
        duration = time.perf_counter() - clock
        self._telemetry.scrapes.labels(self.target.job.job_name).inc()
        self._telemetry.duration.labels(self.target.job.job_name).observe(duration)
        record = self._record(started, duration, body, error)
        self._sink(record)
        return record

    def _record(
        self, started: float, duration: float, body: ParsedBody, error: str | None
    ) -> ScrapeRecord:
        target = self.target
        synthetic = [
            Sample("up", (), 0.0 if error else 1.0),
            Sample("scrape_duration_seconds", (), duration),
            Sample("scrape_samples_scraped", (), float(len(body.samples))),
        ]
        return ScrapeRecord(
            job=target.job.job_name,
            instance=target.instance,
            labels=target.labels,
            timestamp_ms=int(started * 1000),
            duration_s=duration,
            error=error,
            samples=self._attach([*body.samples, *synthetic]),
            metadata={**body.metadata, **SYNTHETIC},
        )


async def _sleep_until(deadline: float) -> None:
    await anyio.sleep(max(0.0, deadline - time.time()))

"""A bad sample never hides its target: real targets, a real scrape loop and buffer, both databases.

As in Prometheus, a sample out of bounds (its timestamp too far from the scrape) or a repeated
series is dropped and counted, the rest stored; a series storage can never hold fails the
scrape, and the target shows down with the reason.
"""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import anyio
import pytest

from scraper.buffer import WriteBuffer
from scraper.config import JobConfig
from scraper.scrape.fetch import Fetcher
from scraper.scrape.loop import ScrapeLoop
from scraper.scrape.target import Target
from scraper.telemetry import Telemetry
from storage import Storage, TargetHealth
from tests.scraper.hostile import Bodies, serving

pytestmark = pytest.mark.anyio


@dataclass
class Scraper:
    """One target's scrape loop writing through the real buffer into a real store."""

    loop: ScrapeLoop
    buffer: WriteBuffer
    store: Storage
    telemetry: Telemetry

    async def scrape(self) -> int:
        """Scrape once and write it; the scrape's timestamp in ms."""
        record = await self.loop.scrape()
        assert await self.buffer.flush()
        return record.timestamp_ms

    def health(self) -> TargetHealth:
        found = self.store.target("demo", self.loop.target.instance)
        assert found is not None
        return found

    def latest(self) -> dict[str, float]:
        found = self.store.latest("demo", self.loop.target.instance)
        return {sample.series.name: sample.value for sample in found}

    def dropped(self, reason: str) -> float | None:
        name = "hostwatch_scraper_scrape_dropped_samples_total"
        labels = {"job": "demo", "reason": reason}
        return self.telemetry.registry.get_sample_value(name, labels)


@pytest.fixture
def target() -> Iterator[Bodies]:
    with serving() as bodies:
        yield bodies


@pytest.fixture
async def scraper(store: Storage, target: Bodies) -> AsyncIterator[Scraper]:
    config = JobConfig(job_name="demo", scrape_interval=30.0, scrape_timeout=5.0)
    labels = (("instance", target.address), ("job", "demo"))
    telemetry = Telemetry()
    buffer = WriteBuffer(store, telemetry)
    async with Fetcher() as fetcher:
        sink, limiter = buffer.put, anyio.CapacityLimiter(1)
        loop = ScrapeLoop(Target(config, target.address, labels), fetcher, sink, limiter, telemetry)
        yield Scraper(loop, buffer, store, telemetry)


async def test_a_sample_with_a_skewed_clock_is_dropped_and_counted_and_the_rest_stored(
    scraper: Scraper, target: Bodies
) -> None:
    target.serve("/metrics", "good 1\n")
    await scraper.scrape()
    target.serve("/metrics", "good 2\nclock_skewed 1 1000\n")

    second = await scraper.scrape()

    health = scraper.health()
    assert (health.health, health.last_scrape_ms, health.last_seen_ms) == ("up", second, second)
    latest = scraper.latest()
    assert (latest["good"], latest["up"], latest["scrape_samples_dropped"]) == (2.0, 1.0, 1.0)
    assert "clock_skewed" not in latest
    assert scraper.dropped("out_of_bounds") == 1.0


async def test_a_new_target_with_a_skewed_sample_appears_up(
    scraper: Scraper, target: Bodies
) -> None:
    target.serve("/metrics", "clock_skewed 1 1000\ngood 1\n")

    await scraper.scrape()

    assert scraper.health().health == "up"
    assert scraper.latest()["good"] == 1.0


async def test_a_series_storage_cannot_hold_fails_the_scrape_with_the_reason(
    scraper: Scraper, target: Bodies
) -> None:
    labels = ",".join(f'l{i}="v"' for i in range(70))
    target.serve("/metrics", f"good 1\nwide{{{labels}}} 1\n")

    scraped = await scraper.scrape()

    health = scraper.health()
    assert (health.health, health.last_scrape_ms) == ("down", scraped)
    assert health.last_error is not None
    assert health.last_error.startswith("series wide{instance=")
    assert health.last_error.endswith(": 72 labels, over max_labels=64")
    assert scraper.store.health_history("demo", target.address)[-1].reason == health.last_error
    assert scraper.store.series("good") == []


async def test_a_label_value_too_long_for_storage_marks_a_known_target_down(
    scraper: Scraper, target: Bodies
) -> None:
    target.serve("/metrics", "good 1\n")
    await scraper.scrape()
    target.serve("/metrics", f'good 1\nlong{{path="{"x" * 2049}"}} 1\n')

    await scraper.scrape()

    health = scraper.health()
    assert health.health == "down"
    assert "2049 characters, over max_label_value_length=2048" in (health.last_error or "")


async def test_a_repeated_series_is_stored_once_and_counted_as_a_duplicate(
    scraper: Scraper, target: Bodies
) -> None:
    target.serve("/metrics", "dup 1\ndup 2\nup 0\n")

    await scraper.scrape()

    latest = scraper.latest()
    assert (latest["dup"], latest["up"], latest["scrape_samples_dropped"]) == (1.0, 1.0, 2.0)
    assert scraper.dropped("duplicate") == 2.0

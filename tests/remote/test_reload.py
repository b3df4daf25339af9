"""remote_write changed in targets.yml is applied on reload, without a restart: unchanged
endpoints keep their queue, removed ones send theirs and stop, new ones start."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest

from scraper.config import load
from scraper.remote.senders import Senders
from scraper.scrape.discovery import Shard
from scraper.scrape.fetch import Fetcher
from scraper.scrape.loop import ScrapeLoop
from scraper.scrape.manager import Reloader, ScrapeManager
from scraper.scrape.target import Target
from scraper.telemetry import Telemetry
from tests.remote.test_sender import Endpoint, endpoint, scrape, until

pytestmark = pytest.mark.anyio
# A batch waits this long for more samples: the queue still holds a scrape when the reload
# comes right after it.
GATHER_S = 1


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def write(path: Path, *servers: Endpoint) -> None:
    entries = "".join(
        f"  - url: {server.url}\n    queue_config: {{batch_send_deadline: {GATHER_S}s}}\n"
        for server in servers
    )
    path.write_text(f"scrape_configs: []\nremote_write:\n{entries}" if servers else "")


@dataclass
class Scraper:
    """A scraper's remote write half: targets.yml, its reloader and its senders, running."""

    path: Path
    reloader: Reloader
    senders: Senders
    telemetry: Telemetry

    def reload(self, *servers: Endpoint) -> None:
        write(self.path, *servers)
        self.reloader.check(force=True)


@contextmanager
def endpoints(count: int) -> Iterator[list[Endpoint]]:
    with endpoint() as a, endpoint() as b, endpoint() as c:
        yield [a, b, c][:count]


@asynccontextmanager
async def scraper(tmp_path: Path, *servers: Endpoint) -> AsyncIterator[Scraper]:
    path = tmp_path / "targets.yml"
    write(path, *servers)
    telemetry = Telemetry()
    senders = Senders(telemetry, drain_s=10)
    async with Fetcher() as fetcher, anyio.create_task_group() as group:

        def new_loop(target: Target) -> ScrapeLoop:
            return ScrapeLoop(target, fetcher, senders.offer, anyio.CapacityLimiter(1), telemetry)

        config = load(str(path))
        reloader = Reloader(
            str(path),
            ScrapeManager(group, new_loop),
            telemetry,
            Shard(),
            config,
            on_applied=lambda applied: senders.apply(applied.remote_write),
        )
        group.start_soon(senders.run)
        yield Scraper(path, reloader, senders, telemetry)
        group.cancel_scope.cancel()


async def test_an_endpoint_added_to_targets_yml_receives_the_scrapes_after_the_reload(
    tmp_path: Path,
) -> None:
    with endpoints(2) as (a, b):
        async with scraper(tmp_path, a) as running:
            running.senders.offer(scrape(1000))
            running.reload(a, b)
            running.senders.offer(scrape(2000))
            await until(lambda: len(a.received) == 10 and len(b.received) == 5)
    assert {t for *_, t in b.received} == {2000}


async def test_an_unchanged_endpoint_keeps_its_queue_across_a_reload(tmp_path: Path) -> None:
    with endpoints(2) as (a, b):
        async with scraper(tmp_path, a) as running:
            kept = running.senders.senders[0]
            running.senders.offer(scrape(1000))
            running.reload(a, b)
            assert kept.pending == 5  # still gathering its batch
            assert running.senders.senders[0] is kept
            await until(lambda: len(a.received) == 5)
    assert {t for *_, t in a.received} == {1000}


async def test_a_removed_endpoint_sends_its_queue_and_then_no_more(tmp_path: Path) -> None:
    with endpoints(2) as (a, b):
        async with scraper(tmp_path, a, b) as running:
            running.senders.offer(scrape(1000))
            running.reload(a)
            running.senders.offer(scrape(2000))
            await until(lambda: len(a.received) == 10 and len(b.received) == 5)
            await until(lambda: len(running.senders.senders) == 1)
    assert {t for *_, t in b.received} == {1000}


async def test_removing_every_endpoint_stops_sending(tmp_path: Path) -> None:
    with endpoints(1) as (a,):
        async with scraper(tmp_path, a) as running:
            running.reload()
            running.senders.offer(scrape(1000))
            assert running.senders.senders == []
    assert a.posts == 0


async def test_a_removed_endpoint_leaves_the_scrapers_metrics_once_it_stopped(
    tmp_path: Path,
) -> None:
    with endpoints(2) as (a, b):
        async with scraper(tmp_path, a, b) as running:
            running.senders.offer(scrape(1000))
            await until(lambda: len(a.received) == 5 and len(b.received) == 5)
            running.reload(a)
            await until(lambda: b.url not in shown_urls(running.telemetry))
            assert shown_urls(running.telemetry) == {a.url}


def shown_urls(telemetry: Telemetry) -> set[str]:
    """The url label of every remote_write series on the scraper's /metrics."""
    return {
        sample.labels["url"]
        for family in telemetry.registry.collect()
        for sample in family.samples
        if "url" in sample.labels
    }

"""Stale markers the scrape loop writes, as Prometheus's scraper does (model/staleness.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import anyio
import pytest

from model.staleness import is_stale
from scraper.config import JobConfig
from scraper.scrape.fetch import Fetcher
from scraper.scrape.loop import ScrapeLoop
from scraper.scrape.manager import ScrapeManager
from scraper.scrape.target import Target
from scraper.telemetry import Telemetry
from storage import ScrapeRecord
from tests.scraper.targets import changing_server

pytestmark = pytest.mark.anyio

BOTH = b'temp_celsius{room="a"} 21.5\ntemp_celsius{room="b"} 19\nload 0.5\n'
WITHOUT_B = b'temp_celsius{room="a"} 21.75\nload 0.25\n'
Answers = list[tuple[int, bytes]]


@pytest.fixture
def answers() -> Answers:
    """What the target answers to its next scrapes, in order."""
    return []


@pytest.fixture
def address(answers: Answers) -> Iterator[str]:
    with changing_server(lambda _: answers.pop(0)) as found:
        yield found


def target_of(address: str, interval: float = 30.0) -> Target:
    config = JobConfig(job_name="room", scrape_interval=interval, scrape_timeout=5.0)
    return Target(config, address, (("instance", address), ("job", "room")))


async def scrapes(address: str, count: int) -> list[ScrapeRecord]:
    target = target_of(address)
    records: list[ScrapeRecord] = []
    fetcher = Fetcher()
    loop = ScrapeLoop(target, fetcher, records.append, anyio.CapacityLimiter(1), Telemetry())
    try:
        for _ in range(count):
            await loop.scrape()
    finally:
        await fetcher.aclose()
    return records


def marked(record: ScrapeRecord) -> list[tuple[str, str, int | None]]:
    """The (name, room label, timestamp) of the record's stale markers."""
    return sorted(
        (s.name, dict(s.labels).get("room", ""), s.timestamp_ms)
        for s in record.samples
        if is_stale(s.value)
    )


async def test_a_series_missing_from_the_next_scrape_gets_a_stale_marker_at_its_time(
    address: str, answers: Answers
) -> None:
    answers.extend([(200, BOTH), (200, WITHOUT_B)])
    first, second = await scrapes(address, 2)
    assert marked(first) == []
    # No timestamp of its own: the marker is at the scrape's time, as the other samples.
    assert marked(second) == [("temp_celsius", "b", None)]
    labels = dict(next(s.labels for s in second.samples if is_stale(s.value)))
    assert labels == {"instance": address, "job": "room", "room": "b"}


async def test_a_scrape_exposing_the_same_series_writes_no_stale_marker(
    address: str, answers: Answers
) -> None:
    answers.extend([(200, BOTH), (200, BOTH.replace(b"0.5", b"0.75"))])
    assert [marked(record) for record in await scrapes(address, 2)] == [[], []]


async def test_a_series_gone_stale_is_not_marked_again_by_later_scrapes(
    address: str, answers: Answers
) -> None:
    answers.extend([(200, BOTH), (200, WITHOUT_B), (200, WITHOUT_B)])
    records = await scrapes(address, 3)
    assert [len(marked(record)) for record in records] == [0, 1, 0]


async def test_a_failed_scrape_marks_every_series_of_the_last_one_stale_but_up(
    address: str, answers: Answers
) -> None:
    answers.extend([(200, BOTH), (500, b"down\n"), (500, b"down\n")])
    _, failed, again = await scrapes(address, 3)
    assert failed.error is not None
    assert marked(failed) == [
        ("load", "", None),
        ("temp_celsius", "a", None),
        ("temp_celsius", "b", None),
    ]
    assert {s.name: s.value for s in failed.samples}["up"] == 0.0
    assert marked(again) == []


async def test_a_series_back_after_a_failed_scrape_is_not_marked_stale(
    address: str, answers: Answers
) -> None:
    answers.extend([(200, BOTH), (500, b"down\n"), (200, BOTH)])
    records = await scrapes(address, 3)
    assert [len(marked(record)) for record in records] == [0, 3, 0]


async def test_a_series_replaced_by_another_of_the_same_count_gets_a_stale_marker(
    address: str, answers: Answers
) -> None:
    answers.extend([(200, BOTH), (200, BOTH.replace(b'room="b"', b'room="c"'))])
    _, second = await scrapes(address, 2)
    assert marked(second) == [("temp_celsius", "b", None)]


async def removed(address: str, answers: Answers, then: set[Target] | None) -> list[ScrapeRecord]:
    """The records of a target scraped once, then taken out by ``apply(then)``, or by stop()
    when ``then`` is None."""
    answers.extend([(200, BOTH)] * 3)  # the scrape below, and any the loop's own schedule makes
    records: list[ScrapeRecord] = []
    async with Fetcher() as fetcher, anyio.create_task_group() as group:

        def new_loop(target: Target) -> ScrapeLoop:
            limiter = anyio.CapacityLimiter(1)
            return ScrapeLoop(target, fetcher, records.append, limiter, Telemetry())

        manager = ScrapeManager(group, new_loop)
        manager.apply({target_of(address)})
        await manager.loops[0].scrape()
        if then is not None:
            manager.apply(then)
        manager.stop()
    return records


async def test_a_target_removed_from_the_config_marks_all_its_series_stale_now(
    address: str, answers: Answers
) -> None:
    before = time.time() * 1000
    records = await removed(address, answers, set())
    last, scraped = records[-1], records[-2]
    assert sorted(s.name for s in last.samples) == sorted(s.name for s in scraped.samples)
    assert all(is_stale(s.value) and s.timestamp_ms is not None for s in last.samples)
    assert min(s.timestamp_ms or 0 for s in last.samples) >= before
    # It restates the last scrape: the target's health stays as it was.
    assert (last.timestamp_ms, last.error) == (scraped.timestamp_ms, None)


async def test_a_target_restarted_with_other_settings_marks_nothing_stale(
    address: str, answers: Answers
) -> None:
    records = await removed(address, answers, {target_of(address, interval=60.0)})
    assert [marked(record) for record in records] == [[]] * len(records)


async def test_a_scraper_shutting_down_marks_nothing_stale(address: str, answers: Answers) -> None:
    records = await removed(address, answers, None)
    assert [marked(record) for record in records] == [[]] * len(records)

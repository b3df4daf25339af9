import time
from collections.abc import AsyncIterator

import anyio
import pytest

from model.health import advance
from model.limits import Limits
from scraper.config import JobConfig
from scraper.scrape.fetch import Fetcher
from scraper.scrape.loop import ScrapeLoop
from scraper.scrape.target import Target
from scraper.telemetry import Telemetry
from storage import ScrapeRecord
from tests.exporter.serving import free_port
from tests.scraper.targets import HUGE_BYTES, MANY, SLOW_SECONDS

pytestmark = pytest.mark.anyio


def job(path: str = "/metrics", **settings: object) -> JobConfig:
    options: dict[str, object] = {"scrape_interval": 30.0, "scrape_timeout": 10.0, **settings}
    return JobConfig(job_name="demo", metrics_path=path, **options)  # type: ignore[arg-type]


FETCHER = Fetcher()


@pytest.fixture(autouse=True)
async def close_connections() -> AsyncIterator[None]:
    yield
    await FETCHER.aclose()


def loop_for(address: str, config: JobConfig, records: list[ScrapeRecord]) -> ScrapeLoop:
    labels = (("instance", address), ("job", config.job_name), ("zone", "eu"))
    target = Target(config, address, labels)
    return ScrapeLoop(target, FETCHER, records.append, anyio.CapacityLimiter(10), Telemetry())


async def scrape(address: str, config: JobConfig) -> tuple[ScrapeRecord, ScrapeLoop]:
    records: list[ScrapeRecord] = []
    loop = loop_for(address, config, records)
    record = await loop.scrape()
    assert records == [record]
    return record, loop


def values(record: ScrapeRecord) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, s.labels): s.value for s in record.samples}


async def test_a_good_scrape_stores_samples_with_the_target_labels(server: str) -> None:
    record, _ = await scrape(server, job())
    key = (
        ("code", "200"),
        ("instance", server),
        ("job", "demo"),
        ("path", "/"),
        ("zone", "eu"),
    )
    assert values(record)[("demo_requests_total", key)] == 1027
    assert (record.error, advance(None, record).health) == (None, "up")


async def test_every_scrape_records_up_duration_and_samples_scraped(server: str) -> None:
    record, _ = await scrape(server, job())
    target = (("instance", server), ("job", "demo"), ("zone", "eu"))
    got = values(record)
    assert got[("up", target)] == 1.0
    assert got[("scrape_samples_scraped", target)] == 3.0
    assert 0 < got[("scrape_duration_seconds", target)] < 5


async def test_metadata_of_the_body_travels_with_the_record(server: str) -> None:
    record, _ = await scrape(server, job())
    assert record.metadata["demo_requests_total"].type == "counter"
    assert record.metadata["up"].type == "gauge"


async def test_a_refused_connection_marks_the_target_down_with_the_reason() -> None:
    record, _ = await scrape(f"127.0.0.1:{free_port()}", job())
    assert record.error == "connection refused"
    after = advance(None, record)
    assert (after.health, after.consecutive_failures) == ("down", 1)
    assert [s.value for s in record.samples if s.name == "up"] == [0.0]


async def test_a_slow_target_times_out_with_the_timeout_in_the_reason(server: str) -> None:
    started = time.monotonic()
    record, _ = await scrape(server, job("/slow", scrape_timeout=0.5))
    assert record.error == "timed out after 0.5s"
    assert time.monotonic() - started < SLOW_SECONDS


async def test_an_http_error_status_is_the_reason(server: str) -> None:
    record, _ = await scrape(server, job("/status/503"))
    assert record.error == "HTTP 503"


async def test_garbage_is_a_parse_error_naming_the_line(server: str) -> None:
    record, _ = await scrape(server, job("/garbage"))
    assert record.error is not None
    assert record.error.startswith("parse error at line 1: ")


async def test_a_body_over_the_size_limit_fails_cleanly(server: str) -> None:
    limits = Limits(body_size_limit=HUGE_BYTES // 4)
    record, _ = await scrape(server, job("/huge", limits=limits))
    assert record.error == "body over 1 MiB"
    assert [s.name for s in record.samples] == [
        "up",
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "scrape_samples_dropped",
    ]


async def test_too_many_samples_fail_the_scrape_like_prometheus(server: str) -> None:
    record, _ = await scrape(server, job("/many", limits=Limits(sample_limit=4000)))
    assert record.error == f"{MANY:,} samples over sample_limit 4,000"


async def test_a_gzipped_body_is_decoded(server: str) -> None:
    record, _ = await scrape(server, job("/gzip"))
    assert record.error is None
    assert len(record.samples) == 7


async def test_a_slow_target_does_not_delay_the_others(server: str) -> None:
    finished: list[str] = []

    async def run(path: str, timeout: float) -> None:
        await loop_for(server, job(path, scrape_timeout=timeout), []).scrape()
        finished.append(path)

    async with anyio.create_task_group() as group:
        group.start_soon(run, "/slow", 10.0)
        group.start_soon(run, "/metrics", 10.0)
        with anyio.fail_after(SLOW_SECONDS - 1):
            while not finished:
                await anyio.sleep(0.01)
    assert finished == ["/metrics", "/slow"]


async def test_a_scrape_never_overlaps_the_next_of_the_same_target(server: str) -> None:
    records: list[ScrapeRecord] = []
    loop = loop_for(server, job("/slow", scrape_interval=1.0, scrape_timeout=1.0), records)
    # Worst case: first slot at 1 s, a 1 s timeout, next slot within 1 s, another 1 s timeout.
    with anyio.move_on_after(5.5):
        await loop.run()
    starts = [r.timestamp_ms / 1000 for r in records]
    assert len(starts) >= 2
    ends = [r.timestamp_ms / 1000 + r.duration_s for r in records]
    assert all(start >= end for start, end in zip(starts[1:], ends, strict=False))

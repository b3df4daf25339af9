"""The write buffer against a real PostgreSQL behind a loopback proxy that the test cuts."""

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import anyio
import pytest
from sqlalchemy import create_engine, text

from model.samples import Sample
from scraper.buffer import WriteBuffer
from scraper.spill import SpillLog
from scraper.telemetry import Telemetry
from storage import ScrapeRecord, Storage
from tests.scraper.proxy import CuttableProxy

pytestmark = pytest.mark.anyio
BASE_MS = int(time.time() * 1000)
SERIES = 10


def record(n: int) -> ScrapeRecord:
    """Scrape ``n`` of one target: SERIES samples, a minute after scrape n-1."""
    labels = (("instance", "web-1:9110"), ("job", "node"))
    samples = [Sample("demo", (*labels, ("i", str(i))), float(n)) for i in range(SERIES)]
    return ScrapeRecord("node", "web-1:9110", labels, BASE_MS + n * 60_000, 0.01, None, samples)


def stored(url: str) -> list[tuple[int, float]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT t, value, count(*) FROM samples GROUP BY t, value"))
        result = sorted((row[0], row[1] * 1000 + row[2]) for row in rows)
    engine.dispose()
    return result


def expected(scrapes: range) -> list[tuple[int, float]]:
    """Each scrape's (time, value * 1000 + number of copies): exactly SERIES copies each."""
    return [(BASE_MS + n * 60_000, n * 1000.0 + SERIES) for n in scrapes]


@pytest.fixture
def proxy() -> Iterator[CuttableProxy]:
    proxy = CuttableProxy(("127.0.0.1", 5432))
    yield proxy
    proxy.close()


@pytest.fixture
def proxied_store(empty_postgresql: str, proxy: CuttableProxy) -> Iterator[Storage]:
    Storage.open(empty_postgresql).upgrade()
    url = empty_postgresql.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    store = Storage.open(url)
    yield store
    store.close()


def metric(telemetry: Telemetry, name: str, **labels: str) -> float | None:
    return telemetry.registry.get_sample_value(name, labels)


async def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    with anyio.fail_after(seconds):
        while not condition():
            await anyio.sleep(0.05)


async def test_samples_scraped_during_an_outage_are_written_once_in_order_after_it(
    proxied_store: Storage, proxy: CuttableProxy, empty_postgresql: str
) -> None:
    telemetry = Telemetry()
    buffer = WriteBuffer(proxied_store, telemetry, max_backoff=0.2)
    async with anyio.create_task_group() as group:
        group.start_soon(buffer.run)
        buffer.put(record(0))
        await wait_for(lambda: buffer.samples == 0)
        proxy.cut()
        for n in (1, 2, 3):
            buffer.put(record(n))
        await wait_for(lambda: (metric(telemetry, "hostwatch_scraper_write_errors_total") or 0) > 0)
        assert buffer.samples == 3 * SERIES
        proxy.restore()
        await wait_for(lambda: buffer.samples == 0)
        group.cancel_scope.cancel()
    assert stored(empty_postgresql) == expected(range(4))


async def test_a_full_buffer_drops_its_oldest_scrapes_and_counts_them(
    proxied_store: Storage, proxy: CuttableProxy, empty_postgresql: str
) -> None:
    telemetry = Telemetry()
    buffer = WriteBuffer(proxied_store, telemetry, max_samples=2 * SERIES, max_backoff=0.2)
    proxy.cut()
    async with anyio.create_task_group() as group:
        group.start_soon(buffer.run)
        for n in range(5):
            buffer.put(record(n))
        assert buffer.samples == 2 * SERIES
        proxy.restore()
        await wait_for(lambda: buffer.samples == 0)
        group.cancel_scope.cancel()
    assert stored(empty_postgresql) == expected(range(3, 5))
    dropped = "hostwatch_scraper_buffer_dropped_samples_total"
    assert metric(telemetry, dropped, reason="buffer_full") == 3 * SERIES


async def test_flush_writes_what_is_buffered(proxied_store: Storage, empty_postgresql: str) -> None:
    buffer = WriteBuffer(proxied_store, Telemetry())
    buffer.put(record(0))
    buffer.put(record(1))
    assert await buffer.flush()
    assert stored(empty_postgresql) == expected(range(2))


def test_a_full_buffer_logs_its_drops_in_one_line_not_one_per_scrape(
    caplog: pytest.LogCaptureFixture,
) -> None:
    buffer = WriteBuffer(Storage.open("sqlite://"), Telemetry(), max_samples=SERIES)
    with caplog.at_level("WARNING", logger="scraper.buffer"):
        for n in range(50):
            buffer.put(record(n))
    (line,) = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert line == "dropped 10 samples (buffer_full), most recently of web-1:9110"


class Counting:
    """The real store, counting the writes it is asked for; ``hold`` makes them wait."""

    def __init__(self, store: Storage) -> None:
        self.store = store
        self.writes = 0
        self.hold = threading.Event()
        self.hold.set()

    def write(self, records: Sequence[ScrapeRecord]) -> None:
        self.writes += 1
        self.hold.wait(timeout=20)
        self.store.write(records)


def count_stored(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = int(conn.execute(text("SELECT count(*) FROM samples")).scalar_one())
    engine.dispose()
    return count


def scrape_of(instance: str, n: int, series: int = SERIES) -> ScrapeRecord:
    labels = (("instance", instance), ("job", "node"))
    samples = [Sample("demo", (*labels, ("i", str(i))), float(n)) for i in range(series)]
    return ScrapeRecord("node", instance, labels, BASE_MS + n * 60_000, 0.01, None, samples)


def written(telemetry: Telemetry) -> float:
    return metric(telemetry, "hostwatch_scraper_samples_written_total") or 0.0


async def test_one_refused_record_of_64_costs_a_logarithmic_number_of_writes(
    store: Storage,
) -> None:
    counting, telemetry = Counting(store), Telemetry()
    buffer = WriteBuffer(counting, telemetry)
    records = [scrape_of(f"web-{n}:9110", n) for n in range(64)]
    bad = records[37]
    records[37] = dataclasses.replace(bad, samples=[Sample("demo", (("path", "x" * 2049),), 1.0)])
    for one in records:
        buffer.put(one)

    assert await buffer.flush()

    assert counting.writes <= 1 + 2 * 6  # the batch, then two halves on each of log2(64) levels
    assert written(telemetry) == 63 * SERIES
    dropped = "hostwatch_scraper_buffer_dropped_samples_total"
    assert metric(telemetry, dropped, reason="invalid") == 1.0
    assert len(store.targets()) == 63


async def test_a_batch_being_written_is_counted_once_when_the_buffer_overflows_meanwhile(
    store: Storage, database_url: str
) -> None:
    counting, telemetry = Counting(store), Telemetry()
    buffer = WriteBuffer(counting, telemetry, max_samples=2 * SERIES)
    counting.hold.clear()
    async with anyio.create_task_group() as group:
        group.start_soon(buffer.run)
        buffer.put(scrape_of("web-1:9110", 0))
        await wait_for(lambda: counting.writes == 1)
        for n in range(1, 5):
            buffer.put(scrape_of("web-1:9110", n))
        counting.hold.set()
        await wait_for(lambda: buffer.samples == 0)
        group.cancel_scope.cancel()
    dropped = "hostwatch_scraper_buffer_dropped_samples_total"
    stored_samples = count_stored(database_url)
    assert stored_samples == 2 * SERIES  # the batch in flight and the newest scrape
    assert written(telemetry) == stored_samples
    assert metric(telemetry, dropped, reason="buffer_full") == 3 * SERIES


async def test_with_a_spill_log_a_big_scrape_pushes_no_other_target_out(
    store: Storage, tmp_path: Path
) -> None:
    telemetry = Telemetry()
    spill = SpillLog(tmp_path / "spill", 2**30)
    buffer = WriteBuffer(store, telemetry, max_samples=4 * SERIES, spill=spill)
    buffer.put(scrape_of("small:9110", 0))
    buffer.put(scrape_of("big:9110", 0, series=10 * SERIES))
    buffer.put(scrape_of("small:9110", 1))

    assert await buffer.flush()

    dropped = "hostwatch_scraper_buffer_dropped_samples_total"
    assert metric(telemetry, dropped, reason="buffer_full") is None
    assert written(telemetry) == 12 * SERIES
    spill.close()

"""A remote_write endpoint's queue: batches, retries what a retry can fix, counts the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import pytest

from model.samples import Sample
from scraper.config.model import QueueConfig, RelabelRule, RemoteWriteConfig
from scraper.remote import wire
from scraper.remote.prompb.remote_pb2 import WriteRequest
from scraper.remote.sender import Sender
from scraper.telemetry import Telemetry
from storage import ScrapeRecord
from tests.cli.serving import in_background

pytestmark = pytest.mark.anyio
FAST = QueueConfig(
    capacity=100,
    max_samples_per_send=10,
    batch_send_deadline=0.05,
    min_backoff=0.01,
    max_backoff=0.05,
)
Received = list[tuple[str, dict[str, str], float, int]]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Endpoint(ThreadingHTTPServer):
    """A remote write receiver answering ``answers`` in turn (then 204), keeping what it took."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.received: Received = []
        self.posts = 0
        self.authorization: list[str | None] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v1/write"


class _Handler(BaseHTTPRequestHandler):
    server: Endpoint

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts += 1
        self.server.authorization.append(self.headers.get("Authorization"))
        status = self.server.answers.pop(0) if self.server.answers else 204
        if status == 204:
            for series in WriteRequest.FromString(wire.decompress(body, 1 << 24)).timeseries:
                labels = {label.name: label.value for label in series.labels}
                name = labels.pop("__name__")
                self.server.received += [
                    (name, labels, s.value, s.timestamp) for s in series.samples
                ]
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def endpoint(answers: list[int] | None = None) -> Iterator[Endpoint]:
    with in_background(Endpoint(answers or [])) as server:
        yield server


@asynccontextmanager
async def sending(sender: Sender) -> AsyncIterator[Sender]:
    async with anyio.create_task_group() as group:
        group.start_soon(sender.run)
        yield sender
        group.cancel_scope.cancel()


def scrape(t: int, count: int = 5) -> ScrapeRecord:
    labels = (("instance", "web1:9100"), ("job", "node"))
    samples = [Sample(f"m{i}", labels, float(i)) for i in range(count)]
    return ScrapeRecord("node", "web1:9100", labels, t, 0.1, None, samples)


async def until(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(10):
        while not condition():
            await anyio.sleep(0.01)


def counted(telemetry: Telemetry, name: str) -> float:
    """The endpoint's series ``name`` (one endpoint per test: its labels need not be named)."""
    for metric in telemetry.registry.collect():
        for sample in metric.samples:
            if sample.name == name:
                return float(sample.value)
    return 0.0


def sender_for(server: Endpoint, telemetry: Telemetry, **changes: Any) -> Sender:
    return Sender(
        RemoteWriteConfig(server.url, name="test", queue_config=FAST, **changes), telemetry
    )


async def test_scraped_samples_arrive_with_their_labels_and_the_scrapes_time() -> None:
    telemetry = Telemetry()
    with endpoint() as server:
        async with sending(sender_for(server, telemetry, bearer="tok")) as sender:
            sender.offer(scrape(1000, count=2))
            await until(lambda: counted(telemetry, "prometheus_remote_storage_samples_total") == 2)
    labels = {"instance": "web1:9100", "job": "node"}
    assert server.received == [("m0", labels, 0.0, 1000), ("m1", labels, 1.0, 1000)]
    assert server.authorization == ["Bearer tok"]


async def test_samples_go_in_batches_of_max_samples_per_send() -> None:
    with endpoint() as server:
        async with sending(sender_for(server, Telemetry())) as sender:
            for t in range(5):
                sender.offer(scrape(t * 1000))
            await until(lambda: len(server.received) == 25)
    assert server.posts == 3  # 10 + 10 + 5


async def test_a_5xx_or_429_is_retried_until_it_is_taken() -> None:
    telemetry = Telemetry()
    with endpoint([503, 429, 500]) as server:
        async with sending(sender_for(server, telemetry)) as sender:
            sender.offer(scrape(1000))
            await until(lambda: counted(telemetry, "prometheus_remote_storage_samples_total") == 5)
    assert server.posts == 4
    assert counted(telemetry, "prometheus_remote_storage_samples_retried_total") == 15
    assert counted(telemetry, "prometheus_remote_storage_samples_failed_total") == 0


async def test_a_4xx_is_not_retried_and_its_samples_count_as_failed() -> None:
    telemetry = Telemetry()
    with endpoint([400]) as server:
        async with sending(sender_for(server, telemetry)) as sender:
            sender.offer(scrape(1000))
            await until(
                lambda: counted(telemetry, "prometheus_remote_storage_samples_failed_total") == 5
            )
            sender.offer(scrape(2000))
            await until(lambda: len(server.received) == 5)
    assert {t for *_, t in server.received} == {2000}
    assert server.posts == 2


async def test_write_relabel_configs_keep_and_drop_series() -> None:
    telemetry = Telemetry()
    rules = (
        RelabelRule("keep", ("__name__",), regex="m[0-3]"),
        RelabelRule("drop", ("__name__",), regex="m1"),
    )
    with endpoint() as server:
        async with sending(sender_for(server, telemetry, write_relabel_configs=rules)) as sender:
            sender.offer(scrape(1000))
            await until(lambda: counted(telemetry, "prometheus_remote_storage_samples_total") == 3)
    assert sorted(name for name, *_ in server.received) == ["m0", "m2", "m3"]
    assert counted(telemetry, "prometheus_remote_storage_samples_dropped_total") == 2


async def test_past_capacity_the_oldest_samples_are_dropped_and_counted() -> None:
    telemetry = Telemetry()
    with endpoint() as server:
        sender = sender_for(server, telemetry)  # not running: the endpoint is unreachable
        for t in range(30):
            sender.offer(scrape(t * 1000))
        assert sender.pending == 100
        assert counted(telemetry, "hostwatch_scraper_remote_write_overflowed_samples_total") == 50
        async with sending(sender):
            await until(lambda: len(server.received) == 100)
    assert min(t for *_, t in server.received) == 10_000

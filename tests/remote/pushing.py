"""Remote write requests built with the real messages, and a real receiver on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from model import tokens
from model.limits import Limits
from scraper.remote import wire
from scraper.remote.prompb.remote_pb2 import WriteRequest
from scraper.remote.prompb.types_pb2 import Label, MetricMetadata, Sample, TimeSeries
from scraper.remote.pushers import Pushers, PushLimits
from scraper.remote.receiver import PATH, Receiver, ReceiverLimits
from scraper.remote.server import ScraperServer
from scraper.telemetry import Telemetry
from storage import ScrapeRecord, Storage

Point = tuple[int, float]  # (timestamp ms, value)
SCRAPER_START_S = 90.0  # a scraper process imports and upgrades its schema; machines are shared


def series(name: str, labels: dict[str, str], *points: Point) -> TimeSeries:
    pairs = sorted({"__name__": name, **labels}.items())
    return TimeSeries(
        labels=[Label(name=k, value=v) for k, v in pairs],
        samples=[Sample(timestamp=t, value=v) for t, v in points],
    )


def request(*timeseries: TimeSeries, metadata: Sequence[MetricMetadata] = ()) -> bytes:
    return wire.encode(WriteRequest(timeseries=timeseries, metadata=metadata))


def headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": wire.CONTENT_TYPE,
        "Content-Encoding": wire.ENCODING,
        "X-Prometheus-Remote-Write-Version": "0.1.0",
    }


def token_of(store: Storage, user: str) -> str:
    token = tokens.new()
    store.add_token(user, "push", tokens.digest(token))
    return token


@dataclass
class Receiving:
    """A receiver serving on ``url``, writing each record straight into ``store``."""

    url: str
    store: Storage
    pushers: Pushers
    telemetry: Telemetry
    delivered: list[ScrapeRecord]

    def push(self, body: bytes, token: str, **extra: str) -> httpx.Response:
        return httpx.post(self.url + PATH, content=body, headers={**headers(token), **extra})


@contextmanager
def receiving(
    store: Storage,
    limits: ReceiverLimits | None = None,
    push_limits: PushLimits | None = None,
) -> Iterator[Receiving]:
    telemetry, delivered = Telemetry(), []
    pushers = Pushers(push_limits or PushLimits(), Limits())

    def deliver(record: ScrapeRecord) -> None:
        store.write([record])
        delivered.append(record)

    receiver = Receiver(store, pushers, deliver, telemetry, limits)
    server = ScraperServer(("127.0.0.1", 0), telemetry.registry, receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiving(server.url, store, pushers, telemetry, delivered)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

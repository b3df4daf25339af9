"""One remote_write endpoint: every scraped sample is also sent there, batched, retried.

Scrape records are queued by reference (the scrape loops and the database writer never wait on
an endpoint); the sender's own task relabels, batches up to max_samples_per_send, or what
batch_send_deadline gathered, encodes in a worker thread, and posts. 5xx, 429 and network
errors are retried with doubling backoff from min_backoff to max_backoff; any other 4xx is
final and counted as failed. Past ``capacity`` samples the oldest queued are dropped, counted.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import struct
import time
from collections import deque
from collections.abc import Callable, Sequence

import anyio
import anyio.to_thread
import httpx

from scraper.config.model import QueueConfig, RemoteWriteConfig
from scraper.remote import wire
from scraper.remote.relabel import Relabeler
from scraper.scrape.fetch import ssl_context
from scraper.telemetry import RemoteTelemetry, Telemetry
from storage import ScrapeRecord

log = logging.getLogger(__name__)
Point = tuple[str, tuple[tuple[str, str], ...], float, int]  # name, labels, value, t (ms)
HEADERS = {
    "Content-Type": wire.CONTENT_TYPE,
    "Content-Encoding": wire.ENCODING,
    "X-Prometheus-Remote-Write-Version": "0.1.0",
    "User-Agent": "hostwatch-scraper",
}


def remote_name(config: RemoteWriteConfig) -> str:
    """The endpoint's name, or as Prometheus names an unnamed one: a hash of its config."""
    return config.name or hashlib.sha256(config.url.encode()).hexdigest()[:6]


class Sender:
    """An endpoint's ``max_shards`` queues, each with one request in flight, sharing a client.

    A scrape goes to the shard of its target, so every series keeps its order (receivers
    refuse a sample older than the last one of its series) while the shards' requests overlap
    the endpoint's answer time: one request in flight reached 0.7x of what 10,000 targets
    at 2 min make, at a third of a core (bench/remote_write.py).
    """

    def __init__(self, config: RemoteWriteConfig, telemetry: Telemetry) -> None:
        self.config = config
        self.metrics: RemoteTelemetry = telemetry.remote(remote_name(config), config.url)
        relabel = Relabeler(config.write_relabel_configs)
        count = config.queue_config.max_shards
        self._shards = [_Shard(config.queue_config, relabel, self.metrics) for _ in range(count)]
        self.metrics.capacity.set(config.queue_config.capacity * count)

    @property
    def pending(self) -> int:
        return sum(shard.pending for shard in self._shards)

    @property
    def busy(self) -> bool:
        """Whether samples are queued or a request is in flight (or waiting for a retry)."""
        return any(shard.pending or shard.sending for shard in self._shards)

    def offer(self, record: ScrapeRecord) -> None:
        """Queue ``record``'s samples on its target's shard. Never blocks."""
        self._shards[hash((record.job, record.instance)) % len(self._shards)].offer(record)
        self._count_pending()

    async def run(self) -> None:
        verify = ssl_context(self.config.tls_config)
        auth = self.config.basic_auth
        headers = dict(HEADERS)
        if self.config.bearer:
            headers["Authorization"] = f"Bearer {self.config.bearer}"
        async with (
            httpx.AsyncClient(
                verify=verify,
                auth=(auth.username, auth.password) if auth else None,
                headers=headers,
                timeout=self.config.remote_timeout,
                follow_redirects=False,
                limits=httpx.Limits(max_connections=len(self._shards)),
            ) as client,
            anyio.create_task_group() as group,
        ):
            for shard in self._shards:
                group.start_soon(shard.run, client, self.config.url, self._count_pending)

    def _count_pending(self) -> None:
        self.metrics.pending.set(self.pending)


class _Shard:
    """One queue of scrape records: batched, sent one request at a time, retried."""

    def __init__(self, queue: QueueConfig, relabel: Relabeler, metrics: RemoteTelemetry) -> None:
        self._queue = queue
        self._relabel = relabel
        self.metrics = metrics
        self._records: deque[ScrapeRecord] = deque()
        self._offset = 0  # samples of the front record already taken
        self.pending = 0
        self.sending = False
        self._ready = anyio.Event()

    def offer(self, record: ScrapeRecord) -> None:
        """Queue ``record``'s samples; drop the oldest past capacity."""
        if not record.samples:
            return
        self._records.append(record)
        self.pending += len(record.samples)
        while self.pending > self._queue.capacity and len(self._records) > 1:
            dropped = self._records.popleft()
            lost = len(dropped.samples) - self._offset
            self.pending -= lost
            self._offset = 0
            self.metrics.overflowed.inc(lost)
        self._ready.set()

    async def run(self, client: httpx.AsyncClient, url: str, taken: Callable[[], None]) -> None:
        while True:
            await self._gathered()
            self.sending = True
            try:
                batch = self._take(self._queue.max_samples_per_send)
                taken()
                if batch:
                    await self._send(client, url, batch)
            finally:
                self.sending = False

    async def _gathered(self) -> None:
        """Wait for a full batch, or for batch_send_deadline after the first queued sample."""
        while not self.pending:
            self._ready = anyio.Event()
            await self._ready.wait()
        deadline = time.monotonic() + self._queue.batch_send_deadline
        while self.pending < self._queue.max_samples_per_send:
            self._ready = anyio.Event()
            with anyio.move_on_after(deadline - time.monotonic()) as waited:
                await self._ready.wait()
            if waited.cancelled_caught:
                return

    def _take(self, count: int) -> list[Point]:
        """Up to ``count`` queued samples, oldest first, those the relabel rules drop skipped."""
        batch: list[Point] = []
        dropped = 0
        while self._records and len(batch) < count:
            record = self._records[0]
            chunk = record.samples[self._offset : self._offset + count - len(batch)]
            self._offset += len(chunk)
            for name, labels, value, t in chunk:
                if self._relabel.keeps(name, labels):
                    batch.append((name, labels, value, record.timestamp_ms if t is None else t))
                else:
                    dropped += 1
            if self._offset >= len(record.samples):
                self._records.popleft()
                self._offset = 0
            self.pending -= len(chunk)
        self.metrics.dropped.inc(dropped)
        return batch

    async def _send(self, client: httpx.AsyncClient, url: str, batch: Sequence[Point]) -> None:
        body = await anyio.to_thread.run_sync(encode, batch)
        backoff = self._queue.min_backoff
        while True:
            reason = await self._post(client, url, body)
            if reason is None:
                self.metrics.sent.inc(len(batch))
                self.metrics.highest_sent.set(max(t for _, _, _, t in batch) / 1000)
                return
            if not reason.startswith("retry"):
                log.error(
                    "remote write to %s failed, %d samples lost: %s",
                    url,
                    len(batch),
                    reason,
                )
                self.metrics.failed.inc(len(batch))
                return
            log.warning("remote write to %s: %s in %gs", url, reason, backoff)
            self.metrics.retried.inc(len(batch))
            await anyio.sleep(backoff)
            backoff = min(self._queue.max_backoff, backoff * 2)

    async def _post(self, client: httpx.AsyncClient, url: str, body: bytes) -> str | None:
        """None once sent; else why, starting with "retry" when a retry can help."""
        try:
            response = await client.post(url, content=body)
        except httpx.HTTPError as error:
            return f"retry after {type(error).__name__}: {error}"
        if response.is_success:
            return None
        status = response.status_code
        answer = f"HTTP {status}: {response.text[:200].strip()}"
        return f"retry after {answer}" if status == 429 or status >= 500 else answer


def encode(batch: Sequence[Point]) -> bytes:
    """The batch as a snappy-compressed WriteRequest, a series per sample (as Prometheus sends
    one scrape's samples), labels sorted by name with ``__name__`` among them.

    Written in protobuf's wire format here rather than built as protobuf objects: a series'
    labels are the same on every scrape, so their encoding is cached and each sample costs a
    few byte operations instead of a TimeSeries, a Sample and a Label per label (about a fifth
    of the CPU; tests/remote/test_wire.py checks the bytes equal protobuf's own).
    """
    return wire.compress(
        b"".join([_series(name, labels, value, t) for name, labels, value, t in batch])
    )


def _series(name: str, labels: tuple[tuple[str, str], ...], value: float, t: int) -> bytes:
    # proto3 leaves out a field at its default (0.0, but not -0.0; 0; ""), as protobuf does.
    sample = _SAMPLE_VALUE.pack(0x09, value) if value or math.copysign(1, value) < 0 else b""
    if t:
        sample += b"\x10" + _varint(t & _UINT64)
    body = _labels(name, labels) + b"\x12" + _varint(len(sample)) + sample
    return b"\x0a" + _varint(len(body)) + body


@functools.lru_cache(maxsize=1 << 18)
def _labels(name: str, labels: tuple[tuple[str, str], ...]) -> bytes:
    """TimeSeries.labels (field 1): one Label {name = 1, value = 2} per label, sorted."""
    encoded = []
    for key, value in sorted((("__name__", name), *labels)):
        label = _string(0x0A, key) + _string(0x12, value)
        encoded.append(b"\x0a" + _varint(len(label)) + label)
    return b"".join(encoded)


def _string(tag: int, text: str) -> bytes:
    data = text.encode()
    if not data:
        return b""
    return bytes((tag,)) + _varint(len(data)) + data


def _varint(number: int) -> bytes:
    if number < 0x80:
        return bytes((number,))
    out = bytearray()
    while number >= 0x80:
        out.append((number & 0x7F) | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


_SAMPLE_VALUE = struct.Struct("<Bd")  # Sample.value: field 1, fixed64 (a double)
_UINT64 = (1 << 64) - 1  # a negative int64 is sent as its two's complement, in 10 bytes

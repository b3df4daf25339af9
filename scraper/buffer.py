"""Write-behind between the scrape loops and the database, surviving a database outage.

Records wait in a FIFO bounded by its number of samples. A writer task drains it in batches;
when the database is unreachable the same batch is retried with backoff (storage writes are
idempotent, so a retry after an unclear failure cannot store a sample twice). Without a spill
log, while it is down the buffer fills, then drops its *oldest* records: the newest data
matters most. With one (the scraper always has one), once the database is down or the buffer
is half full, what it holds and every scrape after go to the log on disk instead, and the
writer drains the log, oldest first, until it is empty (see scraper/spill.py); so no scrape,
however big, pushes another target's samples out while the database is up.

The batch being written is never dropped nor moved to the log meanwhile: each record is
counted once, as written or as dropped. When storage refuses a batch for a record over a
limit, the batch is halved and each half written, halving again only a refused half: one bad
record of n costs about 2 log2(n) writes, not n.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Sequence
from typing import Protocol

import anyio
import anyio.to_thread

from model.errors import InvalidSampleError, StorageUnavailable
from scraper.spill import SpillLog
from scraper.telemetry import Telemetry
from storage import ScrapeRecord

log = logging.getLogger(__name__)
LOG_EVERY = 10.0


class RecordWriter(Protocol):
    def write(self, records: Sequence[ScrapeRecord]) -> None: ...


class WriteBuffer:
    def __init__(
        self,
        store: RecordWriter,
        telemetry: Telemetry,
        max_samples: int = 1_000_000,
        batch_samples: int = 50_000,
        max_backoff: float = 30.0,
        spill: SpillLog | None = None,
    ) -> None:
        self._store = store
        self._spill = spill
        self._spilling = spill is not None and not spill.empty  # replay what a restart left
        self._batch_spilled = False
        self._telemetry = telemetry
        self._records: deque[ScrapeRecord] = deque()
        self._in_flight: set[int] = set()
        """ids of the in-memory records being written: neither dropped nor spilled meanwhile."""
        self._samples = 0
        self._max_samples = max_samples
        self._batch_samples = batch_samples
        self._max_backoff = max_backoff
        self._ready = anyio.Event()
        self._unlogged: Counter[str] = Counter()
        self._next_log = 0.0
        telemetry.buffer_capacity.set(max_samples)

    @property
    def samples(self) -> int:
        """Samples waiting, in memory and in the spill log."""
        return self._samples + (self._spill.samples if self._spill else 0)

    def used_percent(self) -> float:
        """How full the memory buffer is, 0-100: what the ScraperBufferFilling alert watches."""
        return 100 * self._samples / self._max_samples

    def put(self, record: ScrapeRecord) -> None:
        if self._spill is not None and self._spilling:
            self._spill.append(record)
            self._telemetry.buffered.set(self.samples)
            self._ready.set()
            return
        self._records.append(record)
        self._samples += len(record.samples)
        if self._samples > self._max_samples:
            self._make_room()
        self._telemetry.buffered.set(self.samples)
        self._ready.set()

    def _make_room(self) -> None:
        """Over max_samples: to the log on disk if there is one, dropping nothing; else the
        oldest records not being written go."""
        if self._spill is not None:
            self._spill_all()
            return
        for oldest in list(self._records)[:-1]:
            if self._samples <= self._max_samples:
                return
            if id(oldest) not in self._in_flight:
                self._remove(oldest)
                self._count_drop(oldest, "buffer_full")

    async def run(self) -> None:
        """Write forever: wait for records, write a batch, retry it while the database is out."""
        backoff = 0.0
        while True:
            if not self.samples and not self._records:
                self._ready = anyio.Event()
                await self._ready.wait()
            if self._samples > self._max_samples // 2:
                self._spill_all()  # the database is slower than the scrapes: keep memory low
            backoff = await self._write_batch(backoff)

    async def flush(self) -> bool:
        """Try once to write everything buffered (at shutdown); whether it all went. What did
        not go is kept in the spill log, if there is one, for the next start."""
        while self._records or self._spilling:
            if await self._write_batch(0.0):
                self._spill_all()
                return False
        return True

    async def _write_batch(self, backoff: float) -> float:
        """Write the front batch; the backoff to wait before the next try (0 after success)."""
        await anyio.sleep(backoff)
        pending, batch = self.samples, self._front()
        if not batch:
            return 0.0
        if not self._batch_spilled:
            self._in_flight = {id(record) for record in batch}
        try:
            await self._write_halving(batch)
        except StorageUnavailable as error:
            self._in_flight = set()
            return self._failed(error, backoff)
        self._in_flight = set()
        if backoff:
            log.warning("database is back: writing %d buffered samples", pending)
        return 0.0

    def _spill_all(self) -> None:
        """From now on scrapes go to the spill log; what memory holds goes first, in order."""
        if self._spill is None:
            return
        self._spilling = True
        staying: deque[ScrapeRecord] = deque()
        while self._records:
            record = self._records.popleft()
            if id(record) in self._in_flight:
                staying.append(record)  # being written: it leaves memory when that is done
                continue
            self._samples -= len(record.samples)
            self._spill.append(record)
        self._records = staying
        self._telemetry.buffered.set(self.samples)

    def _front(self) -> list[ScrapeRecord]:
        self._batch_spilled = self._spill is not None and self._spilling
        if self._spill is not None and self._batch_spilled:
            return self._spill.take(self._batch_samples)
        batch: list[ScrapeRecord] = []
        size = 0
        for record in self._records:
            if batch and size + len(record.samples) > self._batch_samples:
                break
            batch.append(record)
            size += len(record.samples)
        return batch

    def _failed(self, error: StorageUnavailable, backoff: float) -> float:
        self._telemetry.write_errors.inc()
        if not backoff:
            log.error("database unavailable, buffering samples: %s", error)
        self._spill_all()
        return min(self._max_backoff, max(0.5, backoff * 2))

    async def _write_halving(self, batch: list[ScrapeRecord]) -> None:
        """Write ``batch``; if storage refuses it for a record over a limit, write each half
        the same way, so only the offending records are dropped. Halves finish in order (a
        spilled batch is the log's front). StorageUnavailable goes to the caller, which retries
        what is left."""
        try:
            await anyio.to_thread.run_sync(self._store.write, batch)
        except InvalidSampleError as error:
            if len(batch) == 1:
                log.error("refused by the database: %s", error)
                self._drop(batch[0], "invalid")
                return
            middle = len(batch) // 2
            await self._write_halving(batch[:middle])
            await self._write_halving(batch[middle:])
        else:
            self._written(batch)

    def _written(self, batch: list[ScrapeRecord]) -> None:
        for record in batch:
            self._done(record)
            self._telemetry.written.inc(len(record.samples))

    def _drop(self, record: ScrapeRecord, reason: str) -> None:
        self._done(record)
        self._count_drop(record, reason)

    def _count_drop(self, record: ScrapeRecord, reason: str) -> None:
        self._telemetry.dropped.labels(reason).inc(len(record.samples))
        self._unlogged[reason] += len(record.samples)
        # A full buffer drops a record per scrape: one line per LOG_EVERY is enough to read.
        if time.monotonic() >= self._next_log:
            self._next_log = time.monotonic() + LOG_EVERY
            for why, count in self._unlogged.items():
                log.warning(
                    "dropped %d samples (%s), most recently of %s", count, why, record.instance
                )
            self._unlogged.clear()

    def _done(self, record: ScrapeRecord) -> None:
        """``record`` of the batch in flight is written or dropped: forget it where it was."""
        if self._spill is None or not self._batch_spilled:
            self._remove(record)
            return
        self._spill.consume(1)  # a spilled batch is the log's front, in order
        self._spilling = not self._spill.empty
        self._telemetry.buffered.set(self.samples)

    def _remove(self, record: ScrapeRecord) -> None:
        """Take ``record`` out of memory by identity; a batch in flight may have been dropped
        meanwhile."""
        for index, queued in enumerate(self._records):
            if queued is record:
                del self._records[index]
                self._samples -= len(record.samples)
                self._telemetry.buffered.set(self._samples)
                return

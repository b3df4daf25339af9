"""The write buffer's database writes, in a process of their own.

Storage's write costs about 7 us of Python per sample (planning, the series cache, packing the
COPY), and in the scraper's interpreter it ran under the same GIL as the scrape loops, the
alert rules and the remote write receiver's decoding: the receiver took 76-85k samples/s,
half of what decoding alone allows. ``ProcessWriter`` is the buffer's RecordWriter: each batch
goes to a child process that owns the writes, so the two share the machine's cores instead of
one interpreter. The buffer stays where it was (its FIFO, spill log, retries and halving are
unchanged): a batch is written, or refused with the same errors, as by storage itself.

A batch crosses the pipe packed, not pickled as it is: pickling the Sample tuples costs 5 us
each. Each series' name and labels cross once (both ends number them alike, ``Packer`` and
``Unpacker``); a sample is then its series' number, value and timestamp in three arrays.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import signal
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import cast

from model.errors import StorageError, StorageUnavailable
from model.limits import Limits
from model.samples import Labels, Metadata, Sample
from storage import Retention, ScrapeRecord, Storage

log = logging.getLogger(__name__)
SeriesKey = tuple[str, Labels]
Head = tuple[str, str, Labels, int, float, str | None, dict[str, Metadata], int]
"""A record without its samples: job, instance, labels, time, duration, error, metadata,
and how many of the batch's samples are its own."""
NO_TIME = -(1 << 63)
"""The timestamp array's mark for a sample without one (the scrape's time applies)."""
SERIES_MAX = 1 << 21
"""Series numbered at most; past it the numbering starts over (series churn)."""
STOP_S = 30.0
_sample = tuple.__new__  # a Sample without its generated __new__


@dataclass(frozen=True, slots=True)
class Packed:
    """A batch as it crosses: ``series`` are numbered from ``first`` (0: forget the others)."""

    first: int
    series: list[SeriesKey]
    heads: list[Head]
    numbers: array[int]
    values: array[float]
    times: array[int]


class Packer:
    """The sending end's numbering of series."""

    def __init__(self) -> None:
        self._numbers: dict[SeriesKey, int] = {}
        self._new: list[SeriesKey] = []

    def forget(self) -> None:
        """Number from scratch: the receiving end is new."""
        self._numbers, self._new = {}, []

    def pack(self, records: Sequence[ScrapeRecord]) -> Packed:
        if len(self._numbers) > SERIES_MAX:
            self.forget()
        first = len(self._numbers)
        numbers, values, times = array("q"), array("d"), array("q")
        heads: list[Head] = []
        for record in records:
            samples = record.samples
            heads.append(
                (
                    *(record.job, record.instance, record.labels, record.timestamp_ms),
                    *(record.duration_s, record.error, dict(record.metadata), len(samples)),
                )
            )
            if not samples:
                continue
            known = self._numbers.get
            ids = [known((name, labels)) for name, labels, _, _ in samples]
            numbers.extend(self._numbered(samples) if None in ids else cast(list[int], ids))
            _, _, found, stamps = zip(*samples, strict=True)  # transposed in C
            values.extend(found)
            times.extend(stamps if None not in stamps else [_time(t) for t in stamps])
        new, self._new = self._new, []
        return Packed(first, new, heads, numbers, values, times)

    def _numbered(self, samples: Sequence[Sample]) -> list[int]:
        numbers, new = self._numbers, self._new
        found = []
        for name, labels, _, _ in samples:
            key = name, labels
            number = numbers.get(key)
            if number is None:
                number = numbers[key] = len(numbers)
                new.append(key)
            found.append(number)
        return found


def _time(t: int | None) -> int:
    return NO_TIME if t is None else t


class Unpacker:
    """The receiving end's numbering of series: the records a Packed holds."""

    def __init__(self) -> None:
        self._series: list[SeriesKey] = []

    def unpack(self, packed: Packed) -> list[ScrapeRecord]:
        del self._series[packed.first :]
        self._series += packed.series
        series, at = self._series, 0
        records = []
        for job, instance, labels, scraped, duration, error, metadata, count in packed.heads:
            rows = zip(
                packed.numbers[at : at + count],
                packed.values[at : at + count],
                packed.times[at : at + count],
                strict=True,
            )
            samples = [
                _sample(Sample, (*series[n], value, None if t == NO_TIME else t))
                for n, value, t in rows
            ]
            records.append(
                ScrapeRecord(job, instance, labels, scraped, duration, error, samples, metadata)
            )
            at += count
        return records


class Schema:
    """Writes through ``store`` once its schema is there: upgraded on the first write, so a
    scraper started while the database is down scrapes into its buffer meanwhile (exiting
    made systemd restart it every 5 s with nothing scraped)."""

    def __init__(self, store: Storage) -> None:
        self._store = store
        self._upgraded = False
        try:
            self._upgrade()
        except StorageUnavailable as error:
            log.error("database unavailable at start, scraping into the buffer: %s", error)

    def write(self, records: Sequence[ScrapeRecord]) -> None:
        if not self._upgraded:
            self._upgrade()
        self._store.write(records)

    def _upgrade(self) -> None:
        applied = self._store.upgrade()
        self._upgraded = True
        if applied:
            log.info("database schema upgraded: steps %s", applied)


@dataclass(frozen=True, slots=True)
class WriterOptions:
    """What the child opens its storage with, as the scraper opened its own."""

    database_url: str
    retention: Retention
    limits: Limits
    log_level: int = logging.INFO


def collect_cycles_rarely() -> None:
    """For the scraper and its writer process alike."""
    # The heap is millions of small acyclic objects (samples, labels, caches) that the cycle
    # collector walks again and again: with its default thresholds it took three quarters of
    # the writer thread's time at 1,000 targets. Cycles are rare here, so look for them rarely.
    gc.set_threshold(100_000, 50, 1000)


class ProcessWriter:
    """A RecordWriter whose writes run in a child process, started by ``start`` or the first
    write, and again after it died (that write raising StorageUnavailable, which the buffer
    retries)."""

    def __init__(self, options: WriterOptions) -> None:
        self._options = options
        self._packer = Packer()
        self._child: tuple[BaseProcess, Connection] | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the child now, so its imports (a second of CPU) do not delay the first write."""
        with self._lock:
            if self._child is None:
                self._start()

    def write(self, records: Sequence[ScrapeRecord]) -> None:
        with self._lock:
            process, conn = self._child or self._start()
            try:
                conn.send(self._packer.pack(records))
                refused: StorageError | None = conn.recv()
            except (EOFError, OSError):
                self._lost(process)
                raise StorageUnavailable(
                    f"the database writer process stopped (exit code {process.exitcode})"
                ) from None
        if refused is not None:
            raise refused

    def close(self) -> None:
        """Let the child finish and exit; killed if it does not within STOP_S."""
        with self._lock:
            if self._child is None:
                return
            process, conn = self._child
            self._child = None
            with contextlib.suppress(OSError):  # already gone: joined below
                conn.send(None)
            process.join(STOP_S)
            if process.is_alive():
                log.error("the database writer process did not stop: killed")
                process.kill()
                process.join()
            conn.close()

    def _start(self) -> tuple[BaseProcess, Connection]:
        # spawn, not fork: the parent has threads (a fork copies their locks mid-use).
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        process = context.Process(
            target=_serve, args=(theirs, self._options), name="hostwatch-writer", daemon=True
        )
        process.start()
        theirs.close()
        self._packer.forget()
        self._child = process, mine
        return self._child

    def _lost(self, process: BaseProcess) -> None:
        log.error("the database writer process stopped (exit code %s)", process.exitcode)
        if self._child is not None:
            self._child[1].close()
        self._child = None
        process.join(STOP_S)


def _serve(conn: Connection, options: WriterOptions) -> None:
    """The child: write each batch that arrives and answer None or the storage error, until
    the parent sends None or goes away."""
    # The parent stops on SIGTERM/SIGINT and then flushes its buffer through this process,
    # which gets the same signals (a terminal's Ctrl-C, systemd's stop): it must outlive them.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    collect_cycles_rarely()
    logging.basicConfig(
        level=options.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    store = Storage.open(options.database_url, retention=options.retention, limits=options.limits)
    schema, unpacker = Schema(store), Unpacker()
    try:
        while True:
            try:
                packed: Packed | None = conn.recv()
            except EOFError:
                return
            if packed is None:
                return
            try:
                schema.write(unpacker.unpack(packed))
            except StorageError as error:
                conn.send(error)
            else:
                conn.send(None)
    finally:
        store.close()

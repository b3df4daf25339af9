"""The write buffer's log on disk, so that a restart (even kill -9) loses nothing scraped.

Like Prometheus's WAL: while the database is down the buffer appends every scrape to this log
instead of holding it in memory, and on start the log is replayed, oldest first. Records are
one JSON line each, in segment files of SEGMENT_BYTES (``00000001.jsonl``, ...). A line is
written and flushed to the kernel before ``append`` returns, so a killed process (kill -9)
loses none. For a crash of the machine (power loss) lines are fsynced in groups, as
Prometheus's WAL does: a segment when it is closed (and the directory, when a segment is
created), and the open segment at most SYNC_EVERY after a line was added (``keep_synced``).
So a power loss loses at most the last second of spilled scrapes; a line it cut short is
skipped on replay. An fsync per line would cost a disk flush per scrape during an outage.
The log is bounded by ``max_bytes``: past it the oldest segment goes, and its samples are
counted as dropped.

Replaying may write again a record whose write had committed just before the process died;
storage writes are idempotent (a sample already there is ignored, an older scrape does not
move a target's health back), so nothing is stored twice.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import anyio

from model.samples import Metadata, Sample
from model.staleness import STALE_NAN, is_stale
from storage import ScrapeRecord

log = logging.getLogger(__name__)
SEGMENT_BYTES = 4 * 2**20
"""Small enough that the segment being replayed is a few tens of MB in memory."""
SYNC_EVERY = 1.0
"""Seconds a spilled line may wait for its fsync: what a power loss may lose."""


class SpillLog:
    """Segments in ``directory``, oldest first; ``take`` reads from the oldest, ``consume``
    forgets what was written, ``append`` adds to the newest."""

    def __init__(
        self, directory: Path, max_bytes: int, on_drop: Callable[[int], None] | None = None
    ) -> None:
        self._directory = directory
        self._max_bytes = max_bytes
        self._on_drop = on_drop or (lambda samples: None)
        directory.mkdir(parents=True, exist_ok=True)
        self._segments: dict[Path, tuple[int, int]] = {}
        """Every segment on disk -> (bytes, samples), oldest first."""
        for path in sorted(directory.glob("*.jsonl")):
            self._segments[path] = (path.stat().st_size, sum(_counts(path)))
        self._loaded: deque[ScrapeRecord] = deque()
        self._loaded_from: Path | None = None
        self._appending: IO[str] | None = None
        self.unsynced = 0
        """Lines appended to the open segment since its last fsync."""

    @property
    def samples(self) -> int:
        return sum(samples for _, samples in self._segments.values())

    @property
    def empty(self) -> bool:
        return not self._segments

    def append(self, record: ScrapeRecord) -> None:
        line = json.dumps(_encode(record), separators=(",", ":")) + "\n"
        out = self._open_segment(len(line))
        out.write(line)
        out.flush()
        self.unsynced += 1
        path = Path(out.name)
        size, samples = self._segments.get(path, (0, 0))
        self._segments[path] = (size + len(line), samples + len(record.samples))
        self._bound()

    def take(self, max_samples: int) -> list[ScrapeRecord]:
        """The oldest records not yet consumed, up to ``max_samples`` (at least one)."""
        if not self._loaded:
            self._load_oldest()
        batch: list[ScrapeRecord] = []
        size = 0
        for record in self._loaded:
            if batch and size + len(record.samples) > max_samples:
                break
            batch.append(record)
            size += len(record.samples)
        return batch

    def consume(self, count: int) -> None:
        """The first ``count`` records that ``take`` gave are written: forget them."""
        for _ in range(min(count, len(self._loaded))):
            record = self._loaded.popleft()
            path = self._loaded_from
            if path in self._segments:
                size, samples = self._segments[path]
                self._segments[path] = (size, samples - len(record.samples))
        if not self._loaded and self._loaded_from is not None:
            self._delete(self._loaded_from)
            self._loaded_from = None

    def sync(self) -> None:
        """fsync the open segment if lines were added since the last time."""
        if self._appending is not None and self.unsynced:
            os.fsync(self._appending.fileno())
        self.unsynced = 0

    async def keep_synced(self, every: float = SYNC_EVERY) -> None:
        """Forever: sync what was appended in the last ``every`` seconds."""
        while True:
            await anyio.sleep(every)
            self.sync()

    def close(self) -> None:
        if self._appending is not None:
            self.sync()
            self._appending.close()
            self._appending = None

    def _open_segment(self, adding: int) -> IO[str]:
        out = self._appending
        if out is not None and self._segments[Path(out.name)][0] + adding <= SEGMENT_BYTES:
            return out
        self.close()
        number = int(max(self._segments, default=Path("0.jsonl")).stem) + 1
        path = self._directory / f"{number:08d}.jsonl"
        self._segments[path] = (0, 0)
        self._appending = path.open("a", encoding="utf-8")
        _sync_directory(self._directory)  # so the new segment's name survives a power loss
        return self._appending

    def _load_oldest(self) -> None:
        """Read the oldest segment; one still appended to is closed first, so what is read is
        whole and new scrapes go to a new segment."""
        if not self._segments:
            return
        oldest = next(iter(self._segments))
        if self._appending is not None and Path(self._appending.name) == oldest:
            self.close()
        self._loaded = deque(_read(oldest))
        self._loaded_from = oldest
        if not self._loaded:
            self._delete(oldest)
            self._loaded_from = None

    def _bound(self) -> None:
        while sum(size for size, _ in self._segments.values()) > self._max_bytes:
            oldest = next(iter(self._segments))
            if self._appending is not None and Path(self._appending.name) == oldest:
                return  # the only segment: it stays, however big
            self._on_drop(self._segments[oldest][1])
            log.warning("spill log over %d bytes: dropped its oldest segment", self._max_bytes)
            if oldest == self._loaded_from:
                self._loaded.clear()
                self._loaded_from = None
            self._delete(oldest)

    def _delete(self, path: Path) -> None:
        self._segments.pop(path, None)
        path.unlink(missing_ok=True)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _read(path: Path) -> list[ScrapeRecord]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                records.append(_decode(json.loads(line)))
            except (ValueError, TypeError, IndexError, KeyError):
                log.error("spill log %s:%d is cut short or damaged: skipped", path, number)
    return records


def _counts(path: Path) -> list[int]:
    return [len(record.samples) for record in _read(path)]


_STALE = "StaleNaN"
"""A stale marker in a line: JSON's NaN comes back as an ordinary NaN, a value."""


def _encode(record: ScrapeRecord) -> list[Any]:
    return [
        record.job,
        record.instance,
        record.labels,
        record.timestamp_ms,
        record.duration_s,
        record.error,
        [[n, ls, _STALE if is_stale(v) else v, t] for n, ls, v, t in record.samples],
        {name: list(meta) for name, meta in record.metadata.items()},
    ]


def _decode(fields: list[Any]) -> ScrapeRecord:
    job, instance, labels, timestamp_ms, duration_s, error, samples, metadata = fields
    return ScrapeRecord(
        job=job,
        instance=instance,
        labels=_labels(labels),
        timestamp_ms=timestamp_ms,
        duration_s=duration_s,
        error=error,
        samples=[
            Sample(n, _labels(ls), STALE_NAN if v == _STALE else v, t) for n, ls, v, t in samples
        ],
        metadata={name: Metadata(*meta) for name, meta in metadata.items()},
    )


def _labels(pairs: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in pairs)

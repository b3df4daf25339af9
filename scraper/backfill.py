"""``hostwatch-scraper db import FILE``: an OpenMetrics file with timestamps into the store.

The input is what ``promtool tsdb create-blocks-from openmetrics`` reads: OpenMetrics text with
a timestamp (seconds) on every sample, ending in ``# EOF``. It is streamed: read CHUNK_BYTES at
a time, parsed by the scraper's own parser (scraper/parser/, which checks names with
model/names.py), screened by storage's limits, and written in batches of BATCH_SAMPLES, each
its own transaction, so memory stays bounded whatever the file's size. A sample already
stored is stored once, so an import may be run again. A problem stops the import with an
ImportFileError naming the line (``FILE:LINE: what``); the batches written before it stay.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TextIO

from model.errors import ImportFileError, ParseError
from model.limits import Limits
from model.samples import Sample
from scraper.parser import Parser, ScrapeCache
from storage import Storage
from storage.validation import series_problem

CHUNK_BYTES = 1 << 20
BATCH_SAMPLES = 20_000
MAX_LINE_BYTES = 1 << 20
SEEN_LIMIT = 1_000_000
"""Series remembered as screened; past it they are forgotten (and screened again)."""
PROGRESS_EVERY_S = 0.5


class Source(Protocol):
    """What an import reads: a file opened in binary, or stdin's buffer."""

    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Imported:
    lines: int
    samples: int


class Progress:
    """One line on ``stream`` rewritten as the import goes, only if it is a terminal."""

    def __init__(
        self,
        stream: TextIO,
        name: str,
        size: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream.isatty() else None
        self._name = name
        self._size = size
        self._clock = clock
        self._shown = 0.0

    def show(self, read: int, imported: Imported, *, final: bool = False) -> None:
        if self._stream is None or not (final or self._clock() - self._shown >= PROGRESS_EVERY_S):
            return
        self._shown = self._clock()
        share = f" ({100 * read // self._size} %)" if self._size else ""
        line = f"{self._name}: {imported.samples:,} samples from {imported.lines:,} lines{share}"
        self._stream.write(f"\r{line}" + ("\n" if final else ""))
        self._stream.flush()


class Screen:
    """What storage would refuse of a sample, found before its batch is written so the error
    can name the line: no timestamp, too far in the future, a series over the limits."""

    def __init__(self, limits: Limits, now_ms: int) -> None:
        self._limits = limits
        self._latest_ms = now_ms + limits.max_timestamp_skew_ms
        self._seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()

    def problem(self, sample: Sample) -> str | None:
        name, labels, _, t = sample
        if t is None:
            return "a sample without a timestamp (an import needs one on every sample)"
        if t > self._latest_ms:
            return f"timestamp {t / 1000:.3f} is in the future"
        if (name, labels) in self._seen:
            return None
        if len(self._seen) >= SEEN_LIMIT:
            self._seen.clear()
        self._seen.add((name, labels))
        return series_problem(name, labels, self._limits)


class Importer:
    """Feeds one file's complete lines to the parser and the samples to the store in batches."""

    def __init__(self, name: str, store: Storage, now_ms: int) -> None:
        self.name = name
        self._store = store
        self._cache = ScrapeCache()
        self._parser = Parser(openmetrics=True, cache=self._cache)
        self._screen = Screen(store.limits, now_ms)
        self._batch: list[Sample] = []
        self.lines = 0
        self.samples = 0

    def feed(self, text: bytes) -> None:
        """``text``: whole lines, each ending in a newline, except at the end of the file."""
        first = self.lines + 1
        samples = self._parsed(lambda: self._parser.feed(text))
        self._cache.trim()  # the parser trims only when closed, after a whole scrape
        for index, sample in enumerate(samples):
            problem = self._screen.problem(sample)
            if problem is not None:
                raise ImportFileError(self.name, _line_of(text, first, index), problem)
        self.lines += text.count(b"\n")
        self._batch.extend(samples)
        if len(self._batch) >= BATCH_SAMPLES:
            self._write()

    def close(self) -> Imported:
        """Checks the file ended with ``# EOF``; writes the last batch and the metadata."""
        self._parsed(self._parser.close)
        self._write()
        return self.imported

    @property
    def imported(self) -> Imported:
        return Imported(self.lines, self.samples)

    def _parsed(self, parse: Callable[[], list[Sample]]) -> list[Sample]:
        try:
            return parse()
        except ParseError as error:
            raise ImportFileError(self.name, error.line, error.message) from None

    def _write(self) -> None:
        metadata = self._parser.metadata
        self._store.backfill(self._batch, metadata)
        self.samples += len(self._batch)
        self._batch = []


def import_file(
    source: Source, name: str, store: Storage, progress: Progress, now_ms: int
) -> Imported:
    """Every sample of ``source`` (``name`` in messages) into ``store``."""
    importer = Importer(name, store, now_ms)
    read, tail = 0, b""
    while chunk := source.read(CHUNK_BYTES):
        read += len(chunk)
        lines, newline, tail = (tail + chunk).rpartition(b"\n")
        if newline:
            importer.feed(lines + newline)
            progress.show(read, importer.imported)
        if len(tail) > MAX_LINE_BYTES:
            raise ImportFileError(name, importer.lines + 1, f"a line over {MAX_LINE_BYTES} bytes")
    importer.feed(tail)
    imported = importer.close()
    progress.show(read, imported, final=True)
    return imported


def _line_of(text: bytes, first: int, index: int) -> int:
    """The number of the line of the ``index``-th sample in ``text`` (which starts at line
    ``first``): in OpenMetrics every line but a comment is one sample."""
    found = (n for n, line in enumerate(text.split(b"\n"), first) if line[:1] != b"#")
    return next(itertools.islice(found, index, None))

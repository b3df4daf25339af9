"""The streaming parser: fed the body chunk by chunk, it returns samples as their lines complete."""

from __future__ import annotations

import codecs

from model.errors import LimitError, ParseError
from model.limits import UNLIMITED_SCRAPE, Limits
from model.samples import Metadata, Sample
from scraper.parser.cache import ScrapeCache
from scraper.parser.comment import EOF
from scraper.parser.cursor import Cursor
from scraper.parser.dialect import OPENMETRICS, TEXT
from scraper.parser.family import Families
from scraper.parser.limits import enforce
from scraper.parser.names import SHARED
from scraper.parser.reference import read_sample
from scraper.parser.shortcut import Shortcut

_EOF_LINE = f"# {EOF[0]}"


class Parser:
    """Parses one exposition body; feed it bytes (UTF-8) or str, then close it.

    ``feed`` and ``close`` return the samples their input completed, in body order; ``metadata``
    holds the families' metadata once closed. Any problem raises :class:`ParseError` (or its
    :class:`LimitError`) naming the 1-based line. Give the parsers of one target the same
    :class:`ScrapeCache` and each scrape reuses what the previous ones read.
    """

    def __init__(
        self,
        *,
        openmetrics: bool = False,
        limits: Limits | None = None,
        cache: ScrapeCache | None = None,
    ) -> None:
        self._dialect = OPENMETRICS if openmetrics else TEXT
        self._limits = limits or UNLIMITED_SCRAPE
        self._cache = cache or ScrapeCache()
        self._shortcut = Shortcut(self._dialect, SHARED, self._cache)
        self._families = Families(self._dialect, SHARED, self._cache)
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._pending: list[str] = []
        self._lines_done = 0
        self._samples_done = 0
        self._eof_line = 0
        self._over_limit_at = 0
        """The line of the first sample over sample_limit, once there is one."""

    @property
    def metadata(self) -> dict[str, Metadata]:
        """Sample name -> Metadata of its family, for every family with a HELP/TYPE/UNIT."""
        return self._families.metadata()

    def feed(self, chunk: bytes | str) -> list[Sample]:
        text = self._decode(chunk, final=False) if isinstance(chunk, bytes) else chunk
        if "\n" not in text:
            self._pending.append(text)
            return []
        lines = text.split("\n")
        if self._pending:
            lines[0] = "".join(self._pending) + lines[0]
        tail = lines.pop()
        self._pending = [tail] if tail else []
        return self._parse(lines)

    def close(self) -> list[Sample]:
        """Parses the last, unterminated line if any, and checks the body is complete."""
        self._pending.append(self._decode(b"", final=True))
        last = "".join(self._pending)
        self._pending = []
        samples = self._parse([last] if last else [])
        self._cache.trim()
        if self._over_limit_at:
            message = self._limits.check_count(self._samples_done)
            raise LimitError(self._over_limit_at, message)
        if self._dialect.openmetrics and not self._eof_line:
            raise ParseError(self._lines_done + 1, f"missing {_EOF_LINE!r} at the end of the body")
        return samples

    def _decode(self, chunk: bytes, *, final: bool) -> str:
        try:
            return self._decoder.decode(chunk, final)
        except UnicodeDecodeError as error:
            line = self._lines_done + 1 + error.object[: error.start].count(b"\n")
            bad = error.object[error.start : error.end]
            raise ParseError(line, f"invalid UTF-8 ({error.reason}: {bad!r})") from None

    def _parse(self, lines: list[str]) -> list[Sample]:
        if self._over_limit_at:
            return self._count(lines)
        first = self._lines_done + 1
        after_eof = self._cut_at_eof(lines, first) if self._dialect.openmetrics else 0
        if after_eof:
            lines = lines[: after_eof - first]
        samples = self._read(lines, first)
        self._lines_done += len(lines)
        self._samples_done += len(samples)
        if self._limits.sample_limit or self._limits.on_labels:
            self._over_limit_at = enforce(self._limits, samples, self._samples_done, lines, first)
        if after_eof:
            raise ParseError(after_eof, f"unexpected content after {_EOF_LINE!r}")
        return samples

    def _count(self, lines: list[str]) -> list[Sample]:
        """Past sample_limit the scrape has failed; its samples are only counted, as Prometheus
        does, so the error tells the body's real size whatever chunks it came in."""
        self._lines_done += len(lines)
        self._samples_done += sum(1 for line in lines if line.strip(" \t")[:1] not in ("", "#"))
        return []

    def _cut_at_eof(self, lines: list[str], first: int) -> int:
        """The number of the first line after '# EOF' in `lines`, or 0 (and notes where it is)."""
        if self._eof_line:
            return first if lines else 0
        if _EOF_LINE not in lines:
            return 0
        self._eof_line = first + lines.index(_EOF_LINE)
        return self._eof_line + 1 if self._eof_line < first + len(lines) - 1 else 0

    def _read(self, lines: list[str], first: int) -> list[Sample]:
        quick = self._shortcut.sample
        samples: list[Sample] = []
        for number, line in enumerate(lines, first):
            if line[:1] == "#":
                self._families.comment(line, number)
                continue
            sample = quick(line)
            if sample is None:
                sample = self._careful(line, number)
            if sample is not None:
                samples.append(sample)
        return samples

    def _careful(self, line: str, number: int) -> Sample | None:
        """A line the shortcut declined: a sample, or (text 0.0.4) an indented comment or blank."""
        cursor = Cursor(line, number)
        cursor.skip(self._dialect.spaces)
        if cursor.at_end():
            if self._dialect.openmetrics:
                cursor.fail("blank line (OpenMetrics allows none)")
            return None
        if cursor.peek() == "#":
            self._families.comment(line, number)
            return None
        return read_sample(cursor, self._dialect)

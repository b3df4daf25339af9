"""What a scraper keeps between scrapes of one target, so that unchanged text is read only once.

Prometheus keeps a scrape cache per target for the same reason: from one scrape to the next, a
target repeats its label sets and its HELP/TYPE lines verbatim. Each entry maps text the parser
has already checked to exactly what it read from it, so a hit gives what parsing would; that
also makes one cache safe to share between targets (the scraper shares one across its fleet).
"""

from __future__ import annotations

from model.samples import Labels, Metadata
from scraper.parser.comment import Entry

DEFAULT_MAX_ENTRIES = 50_000
DEFAULT_MAX_TEXT = 24 * 2**20
"""Characters of cached text: a target serving long, ever-new label values must not fill the
cache with megabytes per entry before the entry count would trim it."""


class ScrapeCache:
    """Pass the same instance to the Parser of every scrape of one target (or of many)."""

    __slots__ = (
        "_comments",
        "_metadata",
        "label_sets",
        "max_entries",
        "max_text",
        "series",
        "text",
    )

    def __init__(
        self, max_entries: int = DEFAULT_MAX_ENTRIES, max_text: int = DEFAULT_MAX_TEXT
    ) -> None:
        self.max_entries = max_entries
        self.max_text = max_text
        self.text = 0
        """Characters of the texts cached (keys), added to by whoever adds an entry."""
        self.label_sets: dict[str, Labels] = {}
        """Text between the braces -> its labels (the shortcut's shape only, both formats)."""
        self.series: dict[str, tuple[str, Labels]] = {}
        """Text before the value -> metric name and labels (the shortcut's shape only)."""
        self._metadata: dict[str, tuple[list[Entry], dict[str, Metadata]]] = {}
        self._comments: dict[str, dict[str, Entry]] = {}

    def comments(self, dialect_name: str) -> dict[str, Entry]:
        """Comment line -> what it says; per format, as the formats read comments differently."""
        return self._comments.setdefault(dialect_name, {})

    def metadata(self, dialect_name: str, entries: list[Entry]) -> dict[str, Metadata] | None:
        """The metadata last built from these very comment entries, if they have not changed."""
        last = self._metadata.get(dialect_name)
        return dict(last[1]) if last is not None and last[0] == entries else None

    def remember_metadata(
        self, dialect_name: str, entries: list[Entry], metadata: dict[str, Metadata]
    ) -> None:
        self._metadata[dialect_name] = entries, dict(metadata)

    def trim(self) -> None:
        """Forgets everything once too big: a target inventing series must not grow it forever."""
        comments = sum(map(len, self._comments.values()))
        entries = len(self.label_sets) + len(self.series) + comments
        if entries > self.max_entries or self.text > self.max_text:
            self.label_sets.clear()
            self.series.clear()
            self._comments.clear()
            self.text = 0

"""What a scraper keeps between scrapes of one target, so that unchanged text is read only once.

Prometheus keeps a scrape cache per target for the same reason: from one scrape to the next, a
target repeats its label sets and its HELP/TYPE lines verbatim. Each entry maps text the parser
has already checked to exactly what it read from it, so a hit gives what parsing would.
"""

from __future__ import annotations

from scraper.parser.comment import Directive
from scraper.samples import Labels

DEFAULT_MAX_ENTRIES = 50_000


class ScrapeCache:
    """Pass the same instance to the Parser of every scrape of one target (and only that one)."""

    __slots__ = ("_directives", "label_sets", "max_entries")

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.label_sets: dict[str, Labels] = {}
        """Text between the braces -> its labels (the shortcut's shape only, both formats)."""
        self._directives: dict[str, dict[str, Directive]] = {}

    def directives(self, dialect_name: str) -> dict[str, Directive]:
        """Comment line -> its directive; per format, as the formats read comments differently."""
        return self._directives.setdefault(dialect_name, {})

    def trim(self) -> None:
        """Forgets everything once too big: a target inventing series must not grow it forever."""
        size = len(self.label_sets) + sum(map(len, self._directives.values()))
        if size > self.max_entries:
            self.label_sets.clear()
            self._directives.clear()

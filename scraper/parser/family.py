"""Metric families: what their HELP/TYPE/UNIT comments said, mapped onto their sample names."""

from __future__ import annotations

import re

from model.errors import ParseError
from model.samples import Metadata
from scraper.parser.cache import ScrapeCache
from scraper.parser.comment import Directive, Entry, careful_directive, quick_directive
from scraper.parser.cursor import Cursor, quote
from scraper.parser.dialect import Dialect
from scraper.parser.names import Names

_UNIT = re.compile(r"[a-zA-Z0-9_:]*")
_KEYWORDS = ("TYPE", "HELP", "UNIT")
"""A family record is [type, help, unit], each None until its comment is read."""
_new_metadata = tuple.__new__


class Families:
    """Collects the metadata comments of one body."""

    __slots__ = ("_cache", "_dialect", "_entries", "_known", "_names", "_records")

    def __init__(self, dialect: Dialect, names: Names, cache: ScrapeCache) -> None:
        self._dialect = dialect
        self._names = names
        self._cache = cache
        self._known = cache.comments(dialect.name)
        """Comment line -> its entry, from this body or an earlier one."""
        self._entries: list[Entry] = []
        self._records: dict[str, list[str | None]] = {}

    def comment(self, line: str, number: int) -> None:
        """Takes in one comment line (it starts with '#', after whitespace in text 0.0.4)."""
        entry = self._known.get(line) or self._read(line, number)
        if entry is None:
            return
        self._entries.append(entry)
        slot, name, value = entry
        family = self._records.get(name)
        if family is None:
            family = self._records[name] = [None, None, None]
        elif family[slot] is not None and self._dialect.openmetrics:
            keyword = _KEYWORDS[slot]
            raise ParseError(number, f"second {keyword} for metric family {quote(name)}")
        family[slot] = value

    def _read(self, line: str, number: int) -> Entry | None:
        """The entry of a comment line not met before, or None for a free-text comment or EOF."""
        directive = quick_directive(line, self._dialect, self._names)
        if directive is None:
            cursor = Cursor(line, number)
            cursor.skip(self._dialect.spaces)
            directive = careful_directive(cursor, self._dialect)
        if directive is None or directive[0] not in _KEYWORDS:
            return None
        entry = self._known[line] = self._entry(directive, number)
        self._cache.text += len(line)
        return entry

    def _entry(self, directive: Directive, number: int) -> Entry:
        keyword, name, text = directive
        if keyword == "HELP":
            return 1, name, self._dialect.unescape_help(text)
        if keyword == "TYPE":
            return 0, name, self._type(text, name, number)
        return 2, name, _unit(text, name, number)

    def metadata(self) -> dict[str, Metadata]:
        """Each sample name a family's type allows (``h_bucket``, ``c_total``...) -> Metadata."""
        unchanged = self._cache.metadata(self._dialect.name, self._entries)
        if unchanged is not None:
            return unchanged
        built = self._build()
        self._cache.remember_metadata(self._dialect.name, self._entries, built)
        return built

    def _build(self) -> dict[str, Metadata]:
        by_sample: dict[str, Metadata] = {}
        suffixes = self._dialect.suffixes
        for name, (kind, help_text, unit) in self._records.items():
            kind = kind or self._dialect.untyped
            metadata = _new_metadata(Metadata, (kind, help_text or "", unit or ""))
            for suffix in suffixes[kind]:
                by_sample[name + suffix] = metadata
        return by_sample

    def _type(self, text: str, name: str, number: int) -> str:
        if text not in self._dialect.suffixes:
            known = ", ".join(self._dialect.suffixes)
            message = f"unknown type {quote(text)} for {quote(name)} (expected one of {known})"
            raise ParseError(number, message)
        return text


def _unit(text: str, name: str, number: int) -> str:
    if _UNIT.fullmatch(text) is None:
        raise ParseError(number, f"invalid unit {quote(text)} for {quote(name)}")
    if text and not name.endswith("_" + text):
        raise ParseError(number, f"metric name {quote(name)} does not end with its unit '_{text}'")
    return text

"""Metric families: what their HELP/TYPE/UNIT comments said, mapped onto their sample names."""

from __future__ import annotations

import re

from scraper.errors import ParseError
from scraper.parser.comment import Directive, careful_directive, quick_directive
from scraper.parser.cursor import Cursor, quote
from scraper.parser.dialect import Dialect
from scraper.parser.names import Names
from scraper.samples import Metadata

_UNIT = re.compile(r"[a-zA-Z0-9_:]*")
_SLOTS = {"TYPE": 0, "HELP": 1, "UNIT": 2}
"""Where each keyword's text goes in a family record: [type, help, unit], None until said."""
_new_metadata = tuple.__new__


class Families:
    """Collects the metadata comments of one body."""

    __slots__ = ("_dialect", "_known", "_names", "_records")

    def __init__(self, dialect: Dialect, names: Names, known: dict[str, Directive]) -> None:
        self._dialect = dialect
        self._names = names
        self._known = known
        """Comment line -> directive, for lines the quick reading took (see ScrapeCache)."""
        self._records: dict[str, list[str | None]] = {}

    def comment(self, line: str, number: int) -> None:
        """Takes in one comment line (it starts with '#', after whitespace in text 0.0.4)."""
        directive = self._known.get(line) or self._quick(line)
        if directive is None:
            cursor = Cursor(line, number)
            cursor.skip(self._dialect.spaces)
            directive = careful_directive(cursor, self._dialect)
        if directive is not None and directive[0] in _SLOTS:
            self._record(directive, number)

    def _quick(self, line: str) -> Directive | None:
        directive = quick_directive(line, self._dialect, self._names)
        if directive is not None:
            self._known[line] = directive
        return directive

    def metadata(self) -> dict[str, Metadata]:
        """Each sample name a family's type allows (``h_bucket``, ``c_total``...) -> Metadata."""
        by_sample: dict[str, Metadata] = {}
        suffixes = self._dialect.suffixes
        for name, (kind, help_text, unit) in self._records.items():
            kind = kind or self._dialect.untyped
            metadata = _new_metadata(Metadata, (kind, help_text or "", unit or ""))
            for suffix in suffixes[kind]:
                by_sample[name + suffix] = metadata
        return by_sample

    def _record(self, directive: Directive, number: int) -> None:
        keyword, name, text = directive
        slot = _SLOTS[keyword]
        family = self._records.get(name)
        if family is None:
            family = self._records[name] = [None, None, None]
        elif family[slot] is not None and self._dialect.openmetrics:
            raise ParseError(number, f"second {keyword} for metric family {quote(name)}")
        if slot == 1:
            family[1] = self._dialect.unescape_help(text)
        elif slot == 0:
            family[0] = self._type(text, name, number)
        else:
            family[2] = _unit(text, name, number)

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

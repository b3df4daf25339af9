"""Metric families: what their HELP/TYPE/UNIT comments said, mapped onto their sample names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.errors import ParseError
from scraper.parser.comment import Directive, careful_directive, quick_directive
from scraper.parser.cursor import Cursor, quote
from scraper.parser.dialect import Dialect
from scraper.parser.names import Names
from scraper.samples import Metadata

_UNIT = re.compile(r"[a-zA-Z0-9_:]*")


@dataclass(slots=True)
class _Family:
    type: str | None = None
    help: str | None = None
    unit: str | None = None


class Families:
    """Collects the metadata comments of one body."""

    __slots__ = ("_dialect", "_names", "_records")

    def __init__(self, dialect: Dialect, names: Names) -> None:
        self._dialect = dialect
        self._names = names
        self._records: dict[str, _Family] = {}

    def comment(self, line: str, number: int) -> None:
        """Takes in one comment line (it starts with '#', after whitespace in text 0.0.4)."""
        directive = quick_directive(line, self._dialect, self._names)
        if directive is None:
            cursor = Cursor(line, number)
            cursor.skip(self._dialect.spaces)
            directive = careful_directive(cursor, self._dialect)
        if directive is not None and directive.keyword != "EOF":
            self._record(directive, number)

    def metadata(self) -> dict[str, Metadata]:
        """Each sample name a family's type allows (``h_bucket``, ``c_total``...) -> Metadata."""
        by_sample: dict[str, Metadata] = {}
        for name, family in self._records.items():
            kind = family.type or self._dialect.untyped
            metadata = Metadata(kind, family.help or "", family.unit or "")
            for suffix in self._dialect.suffixes[kind]:
                by_sample[name + suffix] = metadata
        return by_sample

    def _record(self, directive: Directive, number: int) -> None:
        keyword, name, text = directive
        family = self._records.get(name)
        if family is None:
            family = self._records[name] = _Family()
        elif getattr(family, keyword.lower()) is not None and self._dialect.openmetrics:
            raise ParseError(number, f"second {keyword} for metric family {quote(name)}")
        if keyword == "TYPE":
            family.type = self._type(text, name, number)
        elif keyword == "HELP":
            family.help = self._dialect.unescape_help(text)
        else:
            family.unit = _unit(text, name, number)

    def _type(self, text: str, name: str, number: int) -> str:
        if text not in self._dialect.suffixes:
            known = ", ".join(self._dialect.suffixes)
            raise ParseError(
                number, f"unknown type {quote(text)} for {quote(name)} (expected one of {known})"
            )
        return text


def _unit(text: str, name: str, number: int) -> str:
    if _UNIT.fullmatch(text) is None:
        raise ParseError(number, f"invalid unit {quote(text)} for {quote(name)}")
    if text and not name.endswith("_" + text):
        raise ParseError(number, f"metric name {quote(name)} does not end with its unit '_{text}'")
    return text

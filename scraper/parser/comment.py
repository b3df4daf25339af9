"""Comment lines: ``# HELP``, ``# TYPE``, ``# UNIT``, ``# EOF`` and (text 0.0.4 only) free text."""

from __future__ import annotations

from model.names import METRIC_NAME
from scraper.parser.cursor import Cursor, quote
from scraper.parser.dialect import Dialect
from scraper.parser.names import Names

Directive = tuple[str, str, str]
"""A metadata comment: keyword, metric name, text (still escaped). A plain tuple: it is hot."""

EOF: Directive = ("EOF", "", "")

Entry = tuple[int, str, str]
"""A metadata comment read and checked: its slot in a family record, the family, the value."""


def quick_directive(line: str, dialect: Dialect, names: Names) -> Directive | None:
    """The usual ``# KEYWORD name text`` shape, or None when only the careful reading can tell."""
    parts = line.split(" ", 3)
    if len(parts) != 4 or parts[0] != "#" or parts[1] not in dialect.keywords:
        return None
    keyword, name, text = parts[1:]
    known = names.metrics.get(name) or names.metric(name)
    # Text 0.0.4 allows runs of whitespace around the text, which the careful reading trims.
    if known is None or text.strip(dialect.spaces) != text:
        return None
    return keyword, known, text


def careful_directive(cursor: Cursor, dialect: Dialect) -> Directive | None:
    """The directive on a comment line, or None for a free-text comment."""
    if dialect.openmetrics:
        return _openmetrics(cursor, dialect)
    return _text(cursor, dialect)


def _text(cursor: Cursor, dialect: Dialect) -> Directive | None:
    cursor.expect("#", "to start a comment")
    if not cursor.skip(dialect.spaces):
        return None
    keyword = cursor.until(dialect.spaces)
    if keyword not in dialect.keywords or not cursor.skip(dialect.spaces):
        return None
    name = cursor.take(METRIC_NAME, f"a metric name after {keyword}")
    if not cursor.at_end() and not cursor.skip(dialect.spaces):
        cursor.fail(f"expected whitespace after metric name {quote(name)}, got {cursor.rest()}")
    return keyword, name, cursor.text[cursor.pos :].rstrip(dialect.spaces)


def _openmetrics(cursor: Cursor, dialect: Dialect) -> Directive:
    cursor.expect("#", "to start a comment")
    cursor.expect(" ", "after '#'")
    keyword = cursor.until(" ")
    if keyword == EOF[0] and cursor.at_end():
        return EOF
    if keyword not in dialect.keywords:
        cursor.fail(f"expected HELP, TYPE, UNIT or EOF after '# ', got {quote(keyword)}")
    cursor.expect(" ", f"after {keyword}")
    name = cursor.take(METRIC_NAME, f"a metric name after {keyword}")
    cursor.expect(" ", f"after metric name {quote(name)}")
    return keyword, name, cursor.text[cursor.pos :]

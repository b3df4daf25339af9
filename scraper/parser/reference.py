"""The careful path: reads any sample line token by token and says exactly what is wrong.

It is the reference the shortcut (:mod:`scraper.parser.shortcut`) must agree with, and it handles
every line the shortcut declines: escapes, whitespace runs, exemplars, trailing commas, errors.
"""

from __future__ import annotations

from model.names import LABEL_NAME, METRIC_NAME, RESERVED_LABEL
from model.samples import Labels, Sample
from scraper.parser import number
from scraper.parser.cursor import Cursor, quote
from scraper.parser.dialect import OPENMETRICS, Dialect, unescape_label_value

EXEMPLAR_LABELS_MAX = 128
"""OpenMetrics: an exemplar's label names and values hold at most 128 code points together."""


def read_sample(cursor: Cursor, dialect: Dialect) -> Sample:
    """The sample on the cursor's line (leading whitespace already skipped)."""
    if cursor.text.endswith("\r"):
        cursor.fail("the line ends with '\\r': lines must end with '\\n' alone")
    name = cursor.take(METRIC_NAME, "a metric name")
    gap = cursor.skip(dialect.spaces)
    labels: Labels = ()
    if cursor.peek() == "{":
        labels = read_labels(cursor, dialect)
        cursor.skip(dialect.spaces)
    elif not gap and not dialect.openmetrics:
        got = cursor.rest()
        cursor.fail(f"expected whitespace or '{{' after metric name {quote(name)}, got {got}")
    if dialect.openmetrics:
        cursor.expect(" ", "before the value")
    value = _value(cursor, dialect)
    timestamp = _openmetrics_tail(cursor) if dialect.openmetrics else _text_tail(cursor, dialect)
    return Sample(name, labels, value, timestamp)


def read_labels(cursor: Cursor, dialect: Dialect) -> Labels:
    """A ``{name="value",...}`` label set; names must be unique."""
    cursor.expect("{", "to open the labels")
    pairs: dict[str, str] = {}
    cursor.skip(dialect.spaces)
    while not cursor.accept("}"):
        if pairs:
            cursor.expect(",", "or '}' after a label value")
            cursor.skip(dialect.spaces)
            if dialect.trailing_comma and cursor.accept("}"):
                break
        name, value = _label(cursor, dialect)
        if name in pairs:
            cursor.fail(f"duplicate label name {quote(name)}")
        pairs[name] = value
        cursor.skip(dialect.spaces)
    return tuple(pairs.items())


def _label(cursor: Cursor, dialect: Dialect) -> tuple[str, str]:
    name = cursor.take(LABEL_NAME, "a label name")
    if name == RESERVED_LABEL:
        cursor.fail(f"label name {RESERVED_LABEL!r} is reserved for the metric name")
    cursor.skip(dialect.spaces)
    cursor.expect("=", f"after label name {quote(name)}")
    cursor.skip(dialect.spaces)
    return name, unescape_label_value(cursor.quoted(f"the value of label {quote(name)}"))


def _value(cursor: Cursor, dialect: Dialect) -> float:
    text = cursor.until(dialect.spaces or " ")
    parsed = number.value(text)
    if parsed is None:
        cursor.fail(f"invalid value {quote(text)}" if text else "expected a value")
    return parsed


def _timestamp(cursor: Cursor, dialect: Dialect) -> int:
    text = cursor.until(dialect.spaces or " ")
    parsed = dialect.timestamp_ms(text)
    if parsed is None:
        cursor.fail(
            f"invalid timestamp {quote(text)} (expected {_TIMESTAMP_FORMS[dialect.openmetrics]})"
        )
    return parsed


_TIMESTAMP_FORMS = {False: "integer milliseconds", True: "seconds as a real number"}


def _text_tail(cursor: Cursor, dialect: Dialect) -> int | None:
    """Text 0.0.4 after the value: an optional timestamp and trailing whitespace."""
    cursor.skip(dialect.spaces)
    if cursor.at_end():
        return None
    timestamp = _timestamp(cursor, dialect)
    cursor.skip(dialect.spaces)
    if not cursor.at_end():
        cursor.fail(f"expected the end of the line after the timestamp, got {cursor.rest()}")
    return timestamp


def _openmetrics_tail(cursor: Cursor) -> int | None:
    """OpenMetrics after the value: ``[ timestamp][ # {exemplar labels} value[ timestamp]]``."""
    if cursor.at_end():
        return None
    cursor.expect(" ", "after the value")
    timestamp = None
    if cursor.peek() != "#":
        timestamp = _timestamp(cursor, OPENMETRICS)
        if cursor.at_end():
            return timestamp
        cursor.expect(" ", "after the timestamp")
    _exemplar(cursor)
    return timestamp


def _exemplar(cursor: Cursor) -> None:
    """Checks and skips an exemplar: hostwatch stores no exemplars."""
    cursor.expect("#", "to start an exemplar")
    cursor.expect(" ", "after '#'")
    labels = read_labels(cursor, OPENMETRICS)
    if sum(len(name) + len(value) for name, value in labels) > EXEMPLAR_LABELS_MAX:
        cursor.fail(f"exemplar labels longer than {EXEMPLAR_LABELS_MAX} characters")
    cursor.expect(" ", "after the exemplar labels")
    _value(cursor, OPENMETRICS)
    if cursor.accept(" "):
        _timestamp(cursor, OPENMETRICS)
    if not cursor.at_end():
        cursor.fail(f"expected the end of the line after the exemplar, got {cursor.rest()}")

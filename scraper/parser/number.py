"""Sample values and timestamps, exactly as the two formats spell them.

Each function returns None for text its format does not allow; the caller knows the line and
raises the :class:`~model.errors.ParseError`.
"""

from __future__ import annotations

import re

_SPECIAL = frozenset({"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
_INT64_END = 2**63
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_REAL = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,6}))?")
_REAL_MAX_DIGITS = 64


def value(text: str) -> float | None:
    """The float `text` spells (both formats share Go's ParseFloat grammar, decimal only)."""
    try:
        number = float(text)
    except ValueError:
        return None
    # float() also takes underscores, surrounding whitespace and non-ASCII digits; neither format
    # does. Whitespace is all <= " " once the text is ASCII.
    if not text.isascii() or "_" in text or text[0] <= " " or text[-1] <= " ":
        return None
    # NaN and infinities only as spelled words (no signed NaN), never as a decimal that overflows.
    if number - number != 0.0 and text.lower() not in _SPECIAL:
        return None
    return number


def text_timestamp_ms(text: str) -> int | None:
    """A text 0.0.4 timestamp: integer milliseconds that fit in an int64."""
    if _INTEGER.fullmatch(text) is None:
        return None
    milliseconds = int(text)
    return milliseconds if -_INT64_END <= milliseconds < _INT64_END else None


def openmetrics_timestamp_ms(text: str) -> int | None:
    """An OpenMetrics timestamp (seconds, a real number) as int64 milliseconds, truncated to zero.

    Computed from the decimal digits, not through a float, so ``1.001`` is 1001 ms (a float gives
    1000.9999...). The digit and exponent bounds keep hostile input from costing big-int work.
    """
    match = _REAL.fullmatch(text)
    if match is None or len(text) > _REAL_MAX_DIGITS:
        return None
    sign, whole, fraction, exponent = match.groups(default="")
    if not whole and not fraction:
        return None
    digits = (whole + fraction).lstrip("0")
    shift = int(exponent or 0) + 3 - len(fraction)
    if not digits or shift < -len(digits):
        return 0
    if len(digits) + shift > 19:
        return None
    magnitude = int(digits) * 10**shift if shift >= 0 else int(digits) // 10**-shift
    if sign == "-":
        return -magnitude if magnitude <= _INT64_END else None
    return magnitude if magnitude < _INT64_END else None

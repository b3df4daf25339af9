"""Query-parameter parsing; every failure is a BadParameter naming the parameter."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from model.errors import QueryError
from storage import Matcher
from web.http.errors import BadParameter

T = TypeVar("T", bound=str)

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*')
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t"}
_LAST_SECOND = 253_402_300_799  # 9999-12-31T23:59:59Z
METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def timestamp_ms(name: str, value: str) -> int:
    """RFC 3339 (``2025-06-16T12:00:00Z``) or unix seconds (``1750075200.5``) as unix ms."""
    seconds = _seconds(value)
    if seconds is None:
        seconds = _rfc3339(name, value)
    if not math.isfinite(seconds) or not 0 <= seconds <= _LAST_SECOND:
        raise BadParameter(name, f"{value!r} is not a time between 1970 and 9999")
    return round(seconds * 1000)


def _seconds(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _rfc3339(name: str, value: str) -> float:
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise BadParameter(name, f"{value!r} is neither RFC 3339 nor unix seconds") from None
    if parsed.tzinfo is None:
        raise BadParameter(name, f"{value!r} has no time zone (add Z or +00:00)")
    return parsed.timestamp()


def duration_ms(name: str, value: str) -> int:
    """Seconds (``30``) or a duration (``30s``, ``5m``, ``1h``) as a positive number of ms."""
    found = _DURATION.fullmatch(value.strip())
    if found is None:
        raise BadParameter(name, f"{value!r} is not seconds or a duration like 30s, 5m, 1h")
    ms = round(float(found[1]) * _UNIT_MS[found[2] or "s"])
    if ms <= 0:
        raise BadParameter(name, f"{value!r} must be positive")
    return ms


def integer(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadParameter(name, f"{value!r} is not an integer") from None
    if not low <= number <= high:
        raise BadParameter(name, f"{number} is not between {low} and {high}")
    return number


def choice(name: str, value: str, options: Sequence[T]) -> T:
    for option in options:
        if value == option:
            return option
    raise BadParameter(name, f"{value!r} is not one of {', '.join(options)}")


def metric_name(name: str, value: str) -> str:
    if not METRIC_NAME.fullmatch(value):
        raise BadParameter(name, f"{value!r} is not a metric name [a-zA-Z_:][a-zA-Z0-9_:]*")
    return value


def matchers(name: str, values: Sequence[str]) -> list[Matcher]:
    """PromQL-style selectors: ``mode="idle"`` or ``{mode=~"user|system", cpu!="0"}``."""
    return [m for value in values for m in _selector(name, value)]


def _selector(name: str, value: str) -> list[Matcher]:
    text = value.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    found, position = [], 0
    while position < len(text):
        part = _MATCHER.match(text, position)
        if part is None:
            raise BadParameter(name, f'{value!r} is not like label="value", label=~"regex"')
        found.append(_matcher(name, part[1], part[2], _unescape(part[3])))
        position = part.end()
        if position < len(text) and text[position] != ",":
            raise BadParameter(name, f"{value!r}: matchers must be separated by commas")
        position += 1
    return found


def _matcher(name: str, label: str, op: str, value: str) -> Matcher:
    try:
        return Matcher(label, op, value)  # type: ignore[arg-type]  # op matched the regex above
    except QueryError as error:
        raise BadParameter(name, str(error)) from None


def _unescape(text: str) -> str:
    # Unknown escapes keep their backslash so regexes like \d survive unquoted.
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), text)


def label_pair(name: str, value: str) -> tuple[str, str]:
    """``key:value`` as (key, value); the value may itself contain colons."""
    key, colon, wanted = value.partition(":")
    if not colon or not key:
        raise BadParameter(name, f"{value!r} is not key:value")
    return key, wanted


def cursor(name: str, value: str) -> list[str]:
    """An opaque cursor from :func:`make_cursor`: the sort key of the last item seen."""
    try:
        key = json.loads(base64.urlsafe_b64decode(value.encode() + b"=="))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadParameter(name, "is not a cursor this API returned") from None
    if not isinstance(key, list) or not all(isinstance(part, str) for part in key):
        raise BadParameter(name, "is not a cursor this API returned")
    return key


def make_cursor(key: Sequence[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def required(query: Mapping[str, str], name: str) -> str:
    value = query.get(name, "")
    if not value:
        raise BadParameter(name, "is required")
    return value

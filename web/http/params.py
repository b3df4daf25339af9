"""Query-parameter parsing; every failure is a BadParameter naming the parameter."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo, available_timezones

from model.errors import QueryError
from model.matchers import Matcher, parse_matchers
from model.names import METRIC_NAME_SYNTAX, is_metric_name
from web.http.errors import BadParameter

T = TypeVar("T", bound=str)

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_LAST_SECOND = 253_402_300_799  # 9999-12-31T23:59:59Z


def timestamp_ms(name: str, value: str) -> int:
    """RFC 3339 (``2025-06-16T12:00:00Z``) or unix seconds (``1750075200.5``) as unix ms."""
    seconds = _seconds(value)
    return seconds_ms(name, value, _rfc3339(name, value) if seconds is None else seconds)


def seconds_ms(name: str, value: str, seconds: float) -> int:
    """Unix ``seconds`` (read from ``value``) as ms, if they are a time between 1970 and 9999."""
    if not math.isfinite(seconds) or not 0 <= seconds <= _LAST_SECOND:
        raise BadParameter(name, f"{value!r} is not a time between 1970 and 9999")
    return round(seconds * 1000)


def _seconds(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def zone(name: str, value: str) -> tzinfo:
    """An IANA time zone name (``Europe/Zurich``, ``UTC``); empty means UTC."""
    if not value or value == "UTC":
        return UTC
    if value not in _zones():
        raise BadParameter(name, f"{value!r} is not a time zone name like Europe/Zurich")
    return ZoneInfo(value)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


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
    if not is_metric_name(value):
        raise BadParameter(name, f"{value!r} is not a metric name {METRIC_NAME_SYNTAX}")
    return value


def matchers(name: str, values: Sequence[str]) -> list[Matcher]:
    """PromQL-style selectors: ``mode="idle"`` or ``{mode=~"user|system", cpu!="0"}``."""
    try:
        return [matcher for value in values for matcher in parse_matchers(value)]
    except QueryError as error:
        raise BadParameter(name, str(error)) from None


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

"""Silences made through the API (Alertmanager's JSON shape) or the /alerts form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model.errors import ConfigError, QueryError
from scraper.alerts.matchers import parse_matcher
from scraper.config import rules
from storage import Matcher, Silence
from web.http import params
from web.http.errors import BadParameter

MAX_MATCHERS = 20


def from_json(body: Any, now_ms: int) -> Silence:
    """``{matchers: [{name, value, isRegex, isEqual}], startsAt, endsAt, createdBy, comment}``."""
    if not isinstance(body, dict):
        raise BadParameter("body", "expected a JSON object")
    items = body.get("matchers")
    if not isinstance(items, list) or not 0 < len(items) <= MAX_MATCHERS:
        raise BadParameter("matchers", f"expected a list of 1 to {MAX_MATCHERS} matchers")
    starts = _time(body, "startsAt", now_ms)
    return _silence(
        tuple(_json_matcher(item) for item in items),
        max(starts, now_ms),
        _time(body, "endsAt", None),
        _text(body, "comment"),
        _text(body, "createdBy"),
        now_ms,
    )


def from_form(form: Mapping[str, str], now_ms: int) -> Silence:
    """The /alerts form: one matcher per line, a duration from now, comment, who."""
    lines = [line.strip() for line in form.get("matchers", "").splitlines() if line.strip()]
    if not 0 < len(lines) <= MAX_MATCHERS:
        raise BadParameter("matchers", f"expected 1 to {MAX_MATCHERS} matchers, one per line")
    lasting = params.duration_ms("duration", form.get("duration", ""))
    return _silence(
        tuple(_parsed(line) for line in lines),
        now_ms,
        now_ms + lasting,
        form.get("comment", ""),
        form.get("created_by", ""),
        now_ms,
    )


def _silence(
    matchers: tuple[Matcher, ...], starts: int, ends: int, comment: str, by: str, now: int
) -> Silence:
    if ends <= starts:
        raise BadParameter("endsAt", "must be after startsAt and in the future")
    if not by.strip():
        raise BadParameter("createdBy", "is required: who made the silence")
    return Silence(0, matchers, starts, ends, comment, by.strip(), now)


def _json_matcher(item: Any) -> Matcher:
    if not (isinstance(item, dict) and isinstance(item.get("name"), str)):
        raise BadParameter("matchers", "each matcher is {name, value, isRegex, isEqual}")
    regex, equal = item.get("isRegex", False), item.get("isEqual", True)
    if not (
        isinstance(item.get("value"), str) and isinstance(regex, bool) and isinstance(equal, bool)
    ):
        raise BadParameter("matchers", "value is a string, isRegex and isEqual are booleans")
    op = ("=~" if regex else "=") if equal else ("!~" if regex else "!=")
    return _checked(item["name"], op, item["value"])


def _checked(name: str, op: str, value: str) -> Matcher:
    try:
        return Matcher(rules.label_name(name), op, value)  # type: ignore[arg-type]  # see above
    except (ConfigError, QueryError) as error:
        raise BadParameter("matchers", str(error)) from None


def _parsed(line: str) -> Matcher:
    try:
        return parse_matcher(line)
    except ConfigError as error:
        raise BadParameter("matchers", str(error)) from None


def _time(body: dict[str, Any], key: str, default: int | None) -> int:
    value = body.get(key)
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise BadParameter(key, "expected an RFC 3339 time like 2025-06-16T12:00:00Z")
    return params.timestamp_ms(key, value)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise BadParameter(key, "expected a string")
    return value

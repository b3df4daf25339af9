"""Moments as people type them into a range form, read in the reader's time zone.

The one home of that rule: the server page, the metric explorer and compare read ``start``
and ``end`` with :func:`moment`, and write a range back with :func:`shown`. Accepted (any
case, spaces free):

- ``now``;
- a date and time: ``2026-12-02 00:50``, ``2026-12-02T00:50`` (what ``<input
  type="datetime-local">`` sends), seconds optional, or a date alone (its midnight);
- ``today 09:00``, ``yesterday 14:00`` (``today`` and ``yesterday`` alone: their midnight);
- a time alone, ``14:00``: the last 14:00 (today's, or yesterday's while today's is to come);
- a time back from now: ``-3h``, ``now-3h``, ``now - 1h30m``, ``3 hours ago``, ``90 min ago``;
- RFC 3339 with its zone (``2026-12-02T00:50:00Z``, what drag-to-zoom writes) or unix seconds.

Times without a zone are read in ``zone``. A wall time the clocks skip (a spring-forward
hour) is refused by name; one they pass twice (the autumn hour) is its first pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from web.http import params
from web.http.errors import BadParameter

ZONE_COOKIE = "hostwatch_tz"  # the browser's zone, or UTC with the switch (web/static/range.js)
EXAMPLES = "2026-12-02 00:50, yesterday 14:00, 14:00, -3h or 3 hours ago"
# The time part has no zone: ``...T00:50Z`` or ``+01:00`` is RFC 3339, read further down.
_DATE_TIME = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})(?:(?:t|\s+)(\d{1,2}:\d{2}(?::\d{2})?))?")
_DAY_TIME = re.compile(r"(today|yesterday)(?:\s+(\S+))?")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_NUMBER = re.compile(r"[\d.e+-]+")
_BACK = re.compile(r"(?:now\s*)?-\s*(.+)|(.+?)\s*ago")
_AMOUNT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)")
_UNIT_S = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86_400),
    **dict.fromkeys(("w", "wk", "week", "weeks"), 604_800),
}


def moment(name: str, value: str, zone: tzinfo, now_ms: int) -> int:
    """``value`` as unix ms; a BadParameter naming ``name`` and what was not understood."""
    text = " ".join(value.lower().split())
    if text == "now":
        return now_ms
    if found := _DATE_TIME.fullmatch(text):
        return _wall(name, value, _day(name, value, found[1]), found[2], zone)
    if found := _DAY_TIME.fullmatch(text):
        today = datetime.fromtimestamp(now_ms / 1000, zone).date()
        day = today - timedelta(days=1 if found[1] == "yesterday" else 0)
        return _wall(name, value, day, found[2], zone)
    if _CLOCK.fullmatch(text):
        return _last(name, value, text, zone, now_ms)
    if found := _BACK.fullmatch(text):
        back_s = _seconds_back(name, value, found[1] or found[2])
        return params.seconds_ms(name, value, now_ms / 1000 - back_s)
    try:
        return params.timestamp_ms(name, value.strip())
    except BadParameter:
        if _NUMBER.fullmatch(text):  # unix seconds out of range: that error says so
            raise
        raise BadParameter(name, f"{value!r} is not a time like {EXAMPLES}") from None


def relative(value: str) -> bool:
    """Whether ``value`` reads differently as time goes on (``now``, ``-3h``, ``14:00``)."""
    text = " ".join(value.lower().split())
    return text == "now" or any(p.fullmatch(text) for p in (_DAY_TIME, _CLOCK, _BACK))


def asked(query: Mapping[str, str]) -> tuple[str, str]:
    """The start and end as the form sent them: a time picked on the calendar
    (``start_pick``, which the page sends only without JavaScript) over one typed."""
    return query.get("start_pick") or query.get("start", ""), (
        query.get("end_pick") or query.get("end", "")
    )


def reader_zone(query: Mapping[str, str], saved: str) -> tzinfo:
    """The zone typed times are read and shown in: ``tz`` when the request names one (a bad
    one is a 400), else the zone the page's script saved in the ZONE_COOKIE, else UTC."""
    if query.get("tz"):
        return params.zone("tz", query["tz"])
    try:
        return params.zone("tz", saved)
    except BadParameter:  # not the reader's doing: whatever the cookie holds, read in UTC
        return UTC


def _day(name: str, value: str, text: str) -> date:
    try:
        return date(*map(int, text.split("-")))
    except ValueError as error:
        raise BadParameter(name, f"{value!r} is not a date and time ({error})") from None


def _clock(name: str, value: str, text: str | None) -> time:
    found = _CLOCK.fullmatch(text or "0:00")
    try:
        if found is None:
            raise ValueError
        return time(int(found[1]), int(found[2]), int(found[3] or 0))
    except ValueError:
        raise BadParameter(name, f"{value!r}: {text!r} is not a time of day like 14:00") from None


def _wall(name: str, value: str, day: date, clock: str | None, zone: tzinfo) -> int:
    """The moment the clocks in ``zone`` read ``clock`` on ``day``."""
    wall = datetime.combine(day, _clock(name, value, clock), zone)
    if wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise BadParameter(name, f"{value!r} does not exist in {zone}: the clocks skip it")
    return params.seconds_ms(name, value, wall.timestamp())


def _last(name: str, value: str, text: str, zone: tzinfo, now_ms: int) -> int:
    today = datetime.fromtimestamp(now_ms / 1000, zone).date()
    at = _wall(name, value, today, text, zone)
    return at if at <= now_ms else _wall(name, value, today - timedelta(days=1), text, zone)


def _seconds_back(name: str, value: str, text: str) -> float:
    """``3h``, ``1h30m``, ``3 hours``, ``1 day 2 hours`` as seconds."""
    amounts = _AMOUNT.findall(text)
    if not amounts or "".join(f"{n}{u}" for n, u in amounts) != re.sub(r"\s", "", text):
        raise BadParameter(name, f"{value!r}: {text!r} is not a duration like 3h or 90 minutes")
    unknown = [unit for _, unit in amounts if unit not in _UNIT_S]
    if unknown:
        raise BadParameter(
            name, f"{value!r}: {unknown[0]!r} is not a unit of time (s, min, h, d or w)"
        )
    return sum(float(number) * _UNIT_S[unit] for number, unit in amounts)


def shown(t_ms: int, zone: tzinfo, now_ms: int) -> str:
    """``t_ms`` as the page echoes a range: ``Tue 2 Dec 00:50``, with the year when it is not
    this one (``Tue 2 Dec 2025 00:50``)."""
    at = datetime.fromtimestamp(t_ms / 1000, zone)
    year = "" if at.year == datetime.fromtimestamp(now_ms / 1000, zone).year else f" {at.year}"
    return f"{at:%a} {at.day} {at:%b}{year} {at:%H:%M}"

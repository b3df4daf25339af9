"""The range form's times as people type them (web/views/moments.py), read in a time zone:
two without daylight saving time (UTC, Asia/Kolkata at +05:30) and one with (Europe/Zurich)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest

from web.http.errors import BadParameter
from web.views import moments

ZURICH = ZoneInfo("Europe/Zurich")
KOLKATA = ZoneInfo("Asia/Kolkata")
# Wednesday 2 December 2026, 10:00 UTC: 11:00 in Zurich (winter time), 15:30 in Kolkata.
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def read(text: str, zone: tzinfo = UTC, now: datetime = NOW) -> datetime:
    return datetime.fromtimestamp(moments.moment("start", text, zone, ms(now)) / 1000, zone)


def refused(text: str, zone: tzinfo = UTC, now: datetime = NOW) -> str:
    with pytest.raises(BadParameter) as raised:
        moments.moment("start", text, zone, ms(now))
    return str(raised.value)


def at(
    zone: tzinfo, year: int, month: int, day: int, hour: int, minute: int, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


@pytest.mark.parametrize("zone", [UTC, KOLKATA, ZURICH], ids=str)
@pytest.mark.parametrize(
    ("typed", "wall"),
    [
        ("2026-12-02 00:50", (2026, 12, 2, 0, 50)),
        ("2026-12-02T00:50", (2026, 12, 2, 0, 50)),
        ("2026-12-01 23:05:30", (2026, 12, 1, 23, 5, 30)),
        ("2026-12-02", (2026, 12, 2, 0, 0)),
        ("yesterday 14:00", (2026, 12, 1, 14, 0)),
        ("Yesterday  14:00", (2026, 12, 1, 14, 0)),
        ("today 09:00", (2026, 12, 2, 9, 0)),
        ("today", (2026, 12, 2, 0, 0)),
        ("09:00", (2026, 12, 2, 9, 0)),
    ],
)
def test_a_wall_time_is_read_in_the_readers_zone(
    typed: str, wall: tuple[int, ...], zone: tzinfo
) -> None:
    assert read(typed, zone) == at(zone, *wall)


@pytest.mark.parametrize("zone", [UTC, KOLKATA, ZURICH], ids=str)
@pytest.mark.parametrize(
    ("typed", "back_s"),
    [
        ("now", 0),
        ("-3h", 3 * 3600),
        ("now-3h", 3 * 3600),
        ("now - 1h30m", 5400),
        ("3 hours ago", 3 * 3600),
        ("1 hour ago", 3600),
        ("90 min ago", 5400),
        ("2 days 6 hours ago", 54 * 3600),
        ("-1w", 7 * 86_400),
        ("45s ago", 45),
    ],
)
def test_a_time_back_from_now_counts_back_from_the_clock(
    typed: str, back_s: int, zone: tzinfo
) -> None:
    assert read(typed, zone).timestamp() == NOW.timestamp() - back_s


def test_a_time_alone_is_the_last_one_the_clocks_showed() -> None:
    # 11:00 in Zurich now: 09:00 was this morning, 14:00 is still to come so it is yesterday's.
    assert (read("09:00", ZURICH), read("14:00", ZURICH)) == (
        at(ZURICH, 2026, 12, 2, 9, 0),
        at(ZURICH, 2026, 12, 1, 14, 0),
    )


def test_today_and_yesterday_are_the_readers_days_not_utcs() -> None:
    # 23:00 UTC on 1 December is 04:30 on 2 December in Kolkata: its today is the 2nd.
    late = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)

    assert read("today 01:00", KOLKATA, late) == at(KOLKATA, 2026, 12, 2, 1, 0)
    assert read("today 01:00", UTC, late) == at(UTC, 2026, 12, 1, 1, 0)


def test_yesterday_across_the_spring_change_is_a_calendar_day_not_24_hours() -> None:
    # Zurich moved its clocks from 02:00 to 03:00 on 29 March 2026.
    now = at(ZURICH, 2026, 3, 29, 12, 0)
    yesterday = read("yesterday 12:00", ZURICH, now)

    assert yesterday == at(ZURICH, 2026, 3, 28, 12, 0)
    assert now.timestamp() - yesterday.timestamp() == 23 * 3600


def test_hours_back_across_the_spring_change_are_hours_of_the_clock() -> None:
    now = at(ZURICH, 2026, 3, 29, 4, 0)  # CEST, 02:00 UTC

    assert read("-3h", ZURICH, now) == at(ZURICH, 2026, 3, 29, 0, 0)  # CET, 23:00 UTC


def test_a_wall_time_the_clocks_skip_is_refused_by_name() -> None:
    assert refused("2026-03-29 02:30", ZURICH) == (
        "start: '2026-03-29 02:30' does not exist in Europe/Zurich: the clocks skip it"
    )


def test_a_wall_time_the_clocks_pass_twice_is_its_first_pass() -> None:
    # 25 October 2026, 03:00 CEST went back to 02:00 CET: 02:30 came at 00:30 and 01:30 UTC.
    assert read("2026-10-25 02:30", ZURICH).astimezone(UTC) == at(UTC, 2026, 10, 25, 0, 30)


def test_the_same_wall_time_in_summer_and_winter_has_zurichs_offset_of_then() -> None:
    assert read("2026-07-01 12:00", ZURICH).astimezone(UTC) == at(UTC, 2026, 7, 1, 10, 0)
    assert read("2026-12-01 12:00", ZURICH).astimezone(UTC) == at(UTC, 2026, 12, 1, 11, 0)


def test_a_time_with_its_zone_or_unix_seconds_ignores_the_readers_zone() -> None:
    assert read("2026-12-02T00:50:00Z", ZURICH) == at(UTC, 2026, 12, 2, 0, 50)
    assert read("2026-12-02T00:50:00+05:30", UTC) == at(KOLKATA, 2026, 12, 2, 0, 50)
    assert read("1796172600", KOLKATA) == at(UTC, 2026, 12, 2, 0, 50)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("noon", "'noon' is not a time like 2026-12-02 00:50, yesterday 14:00, 14:00, -3h or"),
        ("2026-12-32 00:50", "'2026-12-32 00:50' is not a date and time (day is out of range"),
        ("2026-13-02", "'2026-13-02' is not a date and time (month must be in 1..12)"),
        ("today 25:00", "'today 25:00': '25:00' is not a time of day like 14:00"),
        ("yesterday noon", "'yesterday noon': 'noon' is not a time of day like 14:00"),
        ("3 fortnights ago", "'3 fortnights ago': 'fortnights' is not a unit of time"),
        ("-3", "'-3': '3' is not a duration like 3h or 90 minutes"),
        ("now-", "'now-' is not a time like"),
        ("2026-12-02 00:50 tomorrow", "'2026-12-02 00:50 tomorrow' is not a time like"),
        ("1969-12-31 23:00", "'1969-12-31 23:00' is not a time between 1970 and 9999"),
        ("1e99", "'1e99' is not a time between 1970 and 9999"),
    ],
)
def test_what_cannot_be_read_is_named_in_the_refusal(typed: str, reason: str) -> None:
    assert refused(typed).startswith("start: " + reason)


@pytest.mark.parametrize(
    ("typed", "relative"),
    [("now", True), ("-3h", True), ("3 hours ago", True), ("yesterday 14:00", True),
     ("14:00", True), ("2026-12-02 00:50", False), ("2026-12-02T00:50:00Z", False)],
)  # fmt: skip
def test_times_that_move_with_the_clock_are_told_apart(typed: str, relative: bool) -> None:
    assert moments.relative(typed) is relative


def test_a_range_is_echoed_with_its_weekday_and_the_year_only_when_not_this_one() -> None:
    echoed = [moments.shown(ms(moment), ZURICH, ms(NOW)) for moment in
              (at(UTC, 2026, 12, 1, 23, 50), at(UTC, 2025, 12, 2, 0, 50))]  # fmt: skip

    assert echoed == ["Wed 2 Dec 00:50", "Tue 2 Dec 2025 01:50"]


def test_the_zone_is_the_requests_then_the_saved_one_then_utc() -> None:
    assert moments.reader_zone({"tz": "Asia/Kolkata"}, "Europe/Zurich") == KOLKATA
    assert moments.reader_zone({}, "Europe/Zurich") == ZURICH
    assert moments.reader_zone({}, "Mars/Base") == UTC
    assert moments.reader_zone({}, "") == UTC


def test_a_bad_zone_in_the_request_is_refused() -> None:
    with pytest.raises(BadParameter, match="tz: 'Mars/Base' is not a time zone name"):
        moments.reader_zone({"tz": "Mars/Base"}, "")


def test_a_picked_time_wins_over_the_typed_one() -> None:
    query = {"start": "-3h", "start_pick": "2026-12-02T00:50", "end": "now"}

    assert moments.asked(query) == ("2026-12-02T00:50", "now")

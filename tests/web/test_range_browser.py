"""Custom ranges typed and picked as people do, in real headless Chromium: the server page,
the metric explorer and compare read them in the browser's time zone and echo what they read."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from storage import Storage
from tests.web.chromium import DESKTOP, shoot
from tests.web.conftest import SETTINGS
from tests.web.fleet import MINUTE, scrape
from tests.web.serving import serving
from web.app import create_app

pytestmark = pytest.mark.slow
ZURICH = ZoneInfo("Europe/Zurich")
# Wednesday 2 December 2026, 10:00 UTC (11:00 in Zurich, winter time): the served clock.
LATE = round(datetime(2026, 12, 2, 10, 0, tzinfo=UTC).timestamp() * 1000)
WEB1 = "/servers/web1:9100"
COMPARE = "/compare?server=web1:9100&server=db1:9100"


@pytest.fixture(scope="module")
def late_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Two servers scraped every 10 minutes over the day before LATE, served at LATE."""
    path = Path(tmp_path_factory.mktemp("late")) / "hostwatch.db"
    store = Storage.open(f"sqlite:///{path}", clock=lambda: LATE)
    store.upgrade()
    store.write(
        [scrape(name, t) for t in range(LATE - 1440 * MINUTE, LATE + 1, 10 * MINUTE)
         for name in ("web1:9100", "db1:9100")]
    )  # fmt: skip
    with serving(create_app(store, dataclasses.replace(SETTINGS, clock=lambda: LATE))) as url:
        yield url
    store.close()


def in_zurich(browser: Browser, url: str, **extra: object) -> Page:
    context = browser.new_context(viewport=DESKTOP, timezone_id="Europe/Zurich", **extra)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(url)
    return page


def typed(page: Page, start: str, end: str = "") -> None:
    """Types the range into the form and presses Enter, as a person would."""
    page.fill("#range-end", end)
    page.fill("#range-start", start)
    page.press("#range-start", "Enter")
    page.wait_for_url("**range=custom**")


def echoed_start(page: Page) -> datetime:
    ms = page.locator("#range-echo [data-ms]").first.get_attribute("data-ms")
    return datetime.fromtimestamp(int(ms or 0) / 1000, ZURICH)


def drawn(page: Page) -> None:
    expect(page.locator("figure.panel[data-drawn=uplot]").first).to_be_visible()


def test_a_date_and_time_typed_is_read_in_the_browsers_zone(
    browser: Browser, late_url: str
) -> None:
    page = in_zurich(browser, late_url + WEB1)
    typed(page, "2026-12-02 00:50")
    drawn(page)
    shoot(page, "server-range-typed")

    assert echoed_start(page) == datetime(2026, 12, 2, 0, 50, tzinfo=ZURICH)
    expect(page.locator("#range-echo")).to_have_text("from Wed 2 Dec 00:50 to now")
    assert page.input_value("#range-start") == "2026-12-02 00:50"
    assert page.locator("#range-problem").count() == 0
    page.context.close()


def test_yesterday_at_a_time_is_kept_as_typed_and_echoed_as_read(
    browser: Browser, late_url: str
) -> None:
    page = in_zurich(browser, late_url + WEB1)
    typed(page, "yesterday 14:00")
    drawn(page)

    assert echoed_start(page) == datetime(2026, 12, 1, 14, 0, tzinfo=ZURICH)
    expect(page.locator("#range-echo")).to_have_text("from Tue 1 Dec 14:00 to now")
    assert page.input_value("#range-start") == "yesterday 14:00"
    page.context.close()


def test_a_time_picked_on_the_calendar_is_written_into_the_text_field(
    browser: Browser, late_url: str
) -> None:
    page = in_zurich(browser, late_url + WEB1)
    page.fill("#range-start-pick", "2026-12-02T06:30")
    expect(page.locator("#range-start")).to_have_value("2026-12-02 06:30")
    page.click("#range-show")
    page.wait_for_url("**range=custom**")

    assert echoed_start(page) == datetime(2026, 12, 2, 6, 30, tzinfo=ZURICH)
    assert page.input_value("#range-start-pick") == "2026-12-02T06:30"
    page.context.close()


def test_without_javascript_a_picked_time_is_read_in_utc(browser: Browser, late_url: str) -> None:
    page = in_zurich(browser, late_url + WEB1, java_script_enabled=False)
    page.fill("#range-start", "-3h")
    page.fill("#range-start-pick", "2026-12-02T06:30")
    page.click("#range-show")
    page.wait_for_url("**range=custom**")

    assert echoed_start(page) == datetime(2026, 12, 2, 6, 30, tzinfo=UTC)
    expect(page.locator("#range-echo")).to_have_text("from Wed 2 Dec 06:30 to now")
    page.context.close()


def test_a_time_that_cannot_be_read_is_named_beside_the_form(
    browser: Browser, late_url: str
) -> None:
    page = in_zurich(browser, late_url + WEB1)
    typed(page, "3 fortnights ago")

    expect(page.locator("#range-problem")).to_contain_text(
        "'3 fortnights ago': 'fortnights' is not a unit of time"
    )
    assert page.input_value("#range-start") == "3 fortnights ago"
    drawn(page)  # the last hour instead
    page.context.close()


def test_the_explorer_reads_a_typed_range_like_the_server_page(
    browser: Browser, late_url: str
) -> None:
    page = in_zurich(browser, late_url + WEB1 + "/metrics?q=load1")
    page.locator("#series-list input[type=checkbox]").first.check()
    drawn(page)
    typed(page, "3 hours ago")
    drawn(page)

    assert echoed_start(page) == datetime(2026, 12, 2, 8, 0, tzinfo=ZURICH)
    assert "series=" in page.url
    page.context.close()


def test_compare_charts_a_typed_range_and_keeps_it_when_servers_change(
    browser: Browser, late_url: str
) -> None:
    page = in_zurich(browser, late_url + COMPARE)
    drawn(page)
    typed(page, "yesterday 14:00", "2026-12-02 00:50")
    drawn(page)
    shoot(page, "compare-range-typed")

    expect(page.locator("#range-echo")).to_have_text("from Tue 1 Dec 14:00 to Wed 2 Dec 00:50")
    page.click("form.compare button[type=submit]")
    page.wait_for_url("**selector=**")  # only the server picker's form sends an empty one
    expect(page.locator("#range-echo")).to_have_text("from Tue 1 Dec 14:00 to Wed 2 Dec 00:50")
    page.context.close()

"""The pages in real headless Chromium (Debian's), against uvicorn on loopback."""

from __future__ import annotations

import dataclasses

import pytest
from playwright.sync_api import Browser, Page, expect

from storage import Storage
from tests.storage.builders import NOW
from tests.web.accounts import PASSWORD, add_user
from tests.web.chromium import shoot
from tests.web.conftest import SETTINGS
from tests.web.fleet import MINUTE, scrape
from tests.web.serving import serving
from web.app import create_app

pytestmark = pytest.mark.slow


def test_overview_marks_the_down_server_first_with_its_reason(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    shoot(page, "overview")

    first = page.locator("#fleet tbody tr").first
    assert first.get_attribute("data-instance") == "db1:9100"
    assert first.locator("[data-role=state]").inner_text() == "✖ DOWN"
    assert first.locator("[data-role=reason]").inner_text() == "connection refused"
    assert page.locator("tr[data-instance='web1:9100'] [data-role=state]").inner_text() == "● up"
    assert page.locator("[data-count=down]").inner_text() == "1"


def test_hostile_labels_run_no_script(page: Page, base_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(base_url + "/")

    assert page.get_by_text("<script>alert('x')</script>:9100").count() == 1
    assert dialogs == []


def test_server_page_draws_charts_with_points(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.click("text=web1:9100")
    shoot(page, "server")

    assert page.locator("figure.panel[data-drawn=uplot]").count() == 9
    points = page.evaluate("document.querySelector('figure.panel').hostwatchChart.data[0].length")
    assert points > 50


def test_a_phone_sees_the_overview_without_horizontal_page_scroll(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    phone = context.new_page()
    phone.goto(base_url + "/")
    shoot(phone, "overview-phone-dark")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_new_scrape_shows_on_the_open_overview_without_reload(
    browser: Browser, store: Storage
) -> None:
    fast = dataclasses.replace(SETTINGS, stream_interval_s=0.2)
    with serving(create_app(store, fast)) as url:
        page = browser.new_page()
        page.goto(url + "/")
        page.evaluate("window.notReloaded = true")
        store.write([scrape("web1:9100", NOW + MINUTE, "disk on fire")])

        row = page.locator("tr[data-instance='web1:9100']")
        expect(row.locator("[data-role=reason]")).to_have_text("disk on fire", timeout=10_000)
        shoot(page, "overview-live")

        assert row.locator("[data-role=state]").inner_text() == "✖ DOWN"
        assert page.locator("[data-count=down]").inner_text() == "2"
        assert page.evaluate("window.notReloaded") is True
        page.close()


def test_logging_in_through_the_form_shows_the_overview(
    page: Page, store: Storage, base_url: str
) -> None:
    add_user(store, "ann")
    page.goto(base_url + "/")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    shoot(page, "logged-in")

    assert page.url == base_url + "/"
    assert page.locator("#fleet tbody tr").count() == 3
    assert page.locator("[data-role=user]").inner_text() == "ann"


def test_an_open_page_whose_session_ended_says_so_instead_of_going_stale(
    browser: Browser, store: Storage
) -> None:
    add_user(store, "ann")
    fast = dataclasses.replace(SETTINGS, stream_interval_s=0.2)
    with serving(create_app(store, fast)) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "/login")
        page.fill("input[name=username]", "ann")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_url(url + "/")
        context.clear_cookies()  # the session ends, as when it expires
        store.write([scrape("web1:9100", NOW + MINUTE, "disk on fire")])

        ended = page.locator("[data-role=access-ended]")
        expect(ended).to_contain_text("Your access to this page has ended", timeout=10_000)
        shoot(page, "access-ended")

        assert ended.locator("a").get_attribute("href") == "/login?next=%2F"
        assert page.get_by_text("disk on fire").count() == 0  # nothing shown once access ended
        context.close()


def test_the_explorer_finds_a_series_as_you_type_and_charts_it(page: Page, base_url: str) -> None:
    page.goto(base_url + "/servers/web1:9100")
    page.click("#explore")
    page.fill("#metric-search", "transmit")
    expect(page.locator("#series-list li:visible")).to_have_count(1)
    page.press("#metric-search", "Enter")
    page.wait_for_url("**q=transmit**")
    page.locator("#series-list a").click()
    expect(page.locator("figure.panel[data-drawn=uplot]")).to_have_count(1)
    shoot(page, "explorer")

    assert page.locator("figure.panel figcaption").inner_text().endswith("per second (bytes/s)")
    assert page.locator("figure.panel").evaluate("f => f.hostwatchChart.data[1].length") > 50
    assert page.locator("#series-list li").count() == 1

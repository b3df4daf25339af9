"""The dashboards in real headless Chromium: interactive charts, the overview, phone and dark
layouts, stale figures, live updates; a screenshot of every page in every layout."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from storage import Storage
from tests.storage.builders import HOUR, NOW, SCRAPER
from tests.web.accounts import PASSWORD, add_user
from tests.web.chromium import DESKTOP, PHONE, shoot
from tests.web.conftest import SETTINGS
from tests.web.fleet import MINUTE, scrape
from tests.web.serving import serving
from web.app import create_app

pytestmark = pytest.mark.slow
WEB1 = "/servers/web1:9100"
PAGES = {
    "overview": "/",
    "server": WEB1,
    "server-down": "/servers/db1:9100",
    "explorer": WEB1 + "/metrics?q=load",
    "alerts": "/alerts",
    "compare": "/compare?server=web1:9100&server=db1:9100",
    "compare-series": "/compare?selector=node_load1&server=web1:9100&server=db1:9100",
    "api": "/api",
}
LAYOUTS = {
    "light": {"viewport": DESKTOP, "color_scheme": "light"},
    "dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "phone": {"viewport": PHONE, "color_scheme": "light"},
}
# Every text of the server's SVG charts, as its rendered size in CSS pixels.
SVG_TEXT_PX = """() => [...document.querySelectorAll('svg.chart text')].map(t =>
    parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"""
UPLOT_FONT_PX = """() => [...document.querySelectorAll('figure.panel')].flatMap(f =>
    f.hostwatchChart.axes.map(a => parseFloat(a.font[0]) / devicePixelRatio))"""


def opened(browser: Browser, url: str, layout: str = "light", **extra: object) -> Page:
    context = browser.new_context(**LAYOUTS[layout], **extra)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(url)
    return page


def charted(page: Page) -> None:
    expect(page.locator("figure.panel[data-drawn=uplot]").first).to_be_visible()


def settled(page: Page) -> None:
    """Charted, and live.js's one refresh when its event stream opens done: it redraws every
    chart, which drops a cursor, a hidden series or a drag begun before it (a flaky hover)."""
    charted(page)
    expect(page.locator("body[data-refreshed]")).to_be_attached()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_page_fits_its_screen_and_is_shot(
    browser: Browser, base_url: str, layout: str
) -> None:
    for name, path in PAGES.items():
        page = opened(browser, base_url + path, layout)
        page.wait_for_load_state("networkidle")
        shoot(page, f"{name}-{layout}")

        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]
        page.context.close()


def test_the_account_page_fits_a_phone(browser: Browser, store: Storage) -> None:
    add_user(store, "admin", role="admin")
    with serving(create_app(store, SETTINGS)) as url:
        page = opened(browser, url + "/login?next=/account", "phone")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_url("**/account")
        shoot(page, "account-phone")

        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("[data-role=account]").inner_text().split() == [
            "User", "name", "admin", "Role", "admin", "reads", "everything", "and", "changes",
            "silences,", "tokens", "and", "users",
        ]  # fmt: skip
        assert "admin admin" not in page.locator("body").inner_text()


@pytest.mark.parametrize("layout", ["light", "phone"])
def test_chart_text_is_at_least_11_px_with_and_without_javascript(
    browser: Browser, base_url: str, layout: str
) -> None:
    page = opened(browser, base_url + WEB1, layout)
    charted(page)
    static = opened(browser, base_url + WEB1, layout, java_script_enabled=False)

    assert min(page.evaluate(UPLOT_FONT_PX)) >= 11
    assert min(static.evaluate(SVG_TEXT_PX)) >= 11
    assert static.locator("svg.chart").count() == 9


def test_the_30_day_range_charts_the_data_it_has(page: Page, base_url: str) -> None:
    page.goto(base_url + WEB1 + "?range=30d")
    charted(page)

    assert page.locator("figure.panel[data-drawn=uplot]").count() == 9
    assert page.get_by_text("No chartable node_exporter data").count() == 0


def test_a_down_servers_figures_are_marked_as_last_seen(page: Page, base_url: str) -> None:
    page.goto(base_url + "/servers/db1:9100")
    shoot(page, "server-down-stale")

    note = page.locator("[data-role=stale]").inner_text()
    assert note.startswith("Not current: these figures are from the last successful scrape")
    assert "last seen at 2025-06-16 11:29:00" in note
    assert page.locator("ul.figures.stale li").count() == 4


def test_a_server_that_just_failed_shows_its_figures_stale_on_the_overview(
    page: Page, store: Storage
) -> None:
    store.write([scrape("web1:9100", NOW + MINUTE, "connection refused")])
    later = dataclasses.replace(SETTINGS, clock=lambda: NOW + 2 * MINUTE)
    with serving(create_app(store, later)) as url:
        page.goto(url + "/")
        row = page.locator("tr[data-instance='web1:9100']")

        assert row.locator("[data-role=stale]").inner_text().startswith("last seen 2m")
        assert row.locator("td[data-role=cpu]").get_attribute("class") == "num stale"
        assert row.locator("td[data-role=cpu]").get_attribute("title") == (
            "last seen at 2025-06-16T12:00:00Z"
        )


def test_hovering_a_chart_shows_every_series_value_with_its_unit(page: Page, base_url: str) -> None:
    page.goto(base_url + WEB1)
    settled(page)
    over = page.locator("figure.panel").first.locator(".u-over")
    box = over.bounding_box()
    assert box is not None
    # Scrolled into view and stable first, so the pointer lands on the chart wherever it is.
    over.hover(position={"x": box["width"] * 0.7, "y": box["height"] / 2})

    tip = page.locator("figure.panel").first.locator(".chart-tip")
    expect(tip).to_contain_text("total: ")
    lines = tip.inner_text().splitlines()
    # The screen as it is: a full-page shot resizes the view, and the cursor leaves the chart.
    shoot(page, "server-tooltip", full_page=False)

    assert lines[1:] == ["user: 20.0 %", "system: 5.0 %", "iowait: 0.0 %", "total: 25.0 %"]


def test_cpu_modes_are_drawn_stacked(page: Page, base_url: str) -> None:
    page.goto(base_url + WEB1)
    charted(page)
    drawn = page.evaluate(
        "(() => { const d = document.querySelector('figure.panel').hostwatchChart.data;"
        " return [d[1][5], d[2][5], d[4][5]]; })()"
    )

    assert drawn == [pytest.approx(20.0), pytest.approx(25.0), pytest.approx(25.0)]


def test_a_legend_entry_hides_and_shows_its_series(page: Page, base_url: str) -> None:
    page.goto(base_url + WEB1)
    settled(page)
    load = page.locator("figure.panel").nth(2)
    entry = load.locator(".u-legend .u-series").nth(2)  # load5 (0 is the time)

    entry.locator("th").click()
    hidden = load.evaluate("f => f.hostwatchChart.series[2].show")
    entry.locator("th").click()

    assert (hidden, load.evaluate("f => f.hostwatchChart.series[2].show")) == (False, True)
    assert entry.inner_text().startswith("load5")


def test_dragging_across_a_chart_sets_the_pages_range(page: Page, base_url: str) -> None:
    page.goto(base_url + WEB1)
    settled(page)
    over = page.locator("figure.panel").first.locator(".u-over")
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.25, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, y, steps=5)
    page.mouse.up()
    page.wait_for_url("**range=custom**")

    start, end = (_ms(page, name) for name in ("start", "end"))
    assert NOW - HOUR + 10 * MINUTE < start < NOW - 40 * MINUTE
    assert NOW - 20 * MINUTE < end < NOW - 10 * MINUTE
    charted(page)


def _ms(page: Page, name: str) -> int:
    found = re.search(name + r"=([^&]+)", page.url)
    assert found is not None
    text = found[1].replace("%3A", ":")
    return round(datetime.fromisoformat(text).timestamp() * 1000)


def test_a_typed_custom_range_is_read_in_the_browsers_time_zone(
    browser: Browser, base_url: str
) -> None:
    page = opened(browser, base_url + WEB1, timezone_id="Europe/Zurich")
    charted(page)
    page.fill("#range-start", "2025-06-16 12:50")
    page.fill("#range-end", "2025-06-16 13:50")
    page.click("form.range button[value=custom]")
    page.wait_for_url("**range=custom**")
    charted(page)

    # 12:50 in Zurich (summer time) is 10:50 UTC.
    assert page.locator("#range-note [data-ms]").first.get_attribute("data-ms") == str(
        round(datetime(2025, 6, 16, 10, 50, tzinfo=UTC).timestamp() * 1000)
    )
    assert page.input_value("#range-start") == "2025-06-16 12:50"
    assert "Europe/Zurich" in page.locator("[data-role=zone]").inner_text()


def test_a_mistyped_time_is_answered_beside_the_form_not_with_an_error_page(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + WEB1)
    charted(page)
    page.fill("#range-start", "2026-12-32 00:50")
    page.click("form.range button[value=custom]")
    page.wait_for_url("**range=custom**")
    charted(page)

    expect(page.locator("#range-problem")).to_contain_text("'2026-12-32 00:50' is not a date")
    assert page.input_value("#range-start") == "2026-12-32 00:50"
    assert page.locator("figure.panel[data-drawn=uplot]").count() == 9


def test_history_times_read_in_the_browsers_zone_with_the_iso_form_kept(
    browser: Browser, base_url: str
) -> None:
    page = opened(browser, base_url + WEB1, timezone_id="Europe/Zurich")
    first = page.locator(".history time").first
    iso = first.get_attribute("datetime") or ""
    shown = datetime.fromisoformat(iso).astimezone(ZoneInfo("Europe/Zurich"))

    expect(first).to_have_text(shown.strftime("%Y-%m-%d %H:%M:%S"))
    assert first.get_attribute("title") == iso


def test_the_utc_switch_reads_and_shows_times_in_utc(browser: Browser, base_url: str) -> None:
    page = opened(browser, base_url + WEB1 + "?range=custom&start=2025-06-16T10:50:00Z",
                  timezone_id="Europe/Zurich")  # fmt: skip
    charted(page)
    local = page.input_value("#range-start")
    page.check("#utc")

    assert (local, page.input_value("#range-start")) == ("2025-06-16 12:50", "2025-06-16 10:50")
    assert page.input_value("form.range input[name=tz]") == "UTC"


def test_a_first_scrape_says_it_is_collecting_data(page: Page, empty_store: Storage) -> None:
    empty_store.write([scrape("new1:9100", NOW - MINUTE)])
    with serving(create_app(empty_store, SETTINGS)) as url:
        page.goto(url + "/servers/new1:9100")
        shoot(page, "server-collecting")

        assert page.locator("[data-role=collecting]").inner_text().startswith("Collecting data")
        assert page.locator("figure.panel svg circle").count() == 0


def test_network_charts_leave_virtual_devices_out(page: Page, base_url: str) -> None:
    page.goto(base_url + WEB1)
    charted(page)
    network = page.locator("figure.panel", has_text="Network").first

    names = network.evaluate("f => f.hostwatchChart.series.slice(1).map(s => s.label)")
    assert names == ["eth0 in", "eth0 out"]


def test_the_server_page_charts_disk_latency_and_lists_the_top_processes_on_a_phone(
    browser: Browser, base_url: str
) -> None:
    page = opened(browser, base_url + WEB1, "phone")
    charted(page)
    latency = page.locator("figure.panel", has_text="Disk latency")

    assert latency.get_attribute("data-drawn") == "uplot"
    assert latency.evaluate("f => f.hostwatchChart.series.slice(1).map(s => s.label)") == [
        "sda read", "sda write"
    ]  # fmt: skip
    processes = page.locator("#processes tbody tr")
    assert processes.first.inner_text().split() == ["postgres", "812", "50.0", "%", "1.5", "GiB"]
    box = page.locator("#processes table").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE["width"]


def test_cpu_per_core_has_a_line_per_cpu(page: Page, base_url: str) -> None:
    page.goto(base_url + WEB1)
    charted(page)
    cores = page.locator("figure.panel", has_text="CPU per core")

    assert cores.evaluate("f => f.hostwatchChart.series.slice(1).map(s => s.label)") == [
        "cpu0",
        "cpu1",
    ]


def test_the_overview_shows_usage_bars_uptime_and_the_health_strip(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/")
    web1 = page.locator("tr[data-instance='web1:9100']")

    assert web1.locator("meter").evaluate_all("ms => ms.map(m => m.value)") == [25, 75, 90]
    # Ten minutes down in three hours of history.
    assert web1.locator("[data-role=uptime]").inner_text() == "24h94.44 % · 7d94.44 % · 30d94.44 %"
    runs = web1.locator("[data-role=strip] rect").evaluate_all(
        "rs => rs.map(r => [r.getAttribute('class'), (+r.getAttribute('width') + 1) / 4])"
    )
    # 21 hours before the fleet's history, then up, the hour of the outage, and up again.
    assert runs == [["", 21], ["up", 1], ["mixed", 1], ["up", 1]]


def test_the_search_box_narrows_the_overview_as_you_type(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#fleet-search", "zürich")

    expect(page.locator("#fleet tr[data-search]:visible")).to_have_count(1)
    assert page.locator("#fleet tr[data-search]:visible").get_attribute("data-instance") == (
        "<script>alert('x')</script>:9100"
    )


def test_the_overview_groups_by_job(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.select_option("select[name=group]", "job")
    page.click("form.filters button[type=submit]")
    shoot(page, "overview-grouped")

    groups = page.locator("#fleet tr.group").all_inner_texts()
    assert [g.strip() for g in groups] == ["Job: node (2)", "Job: probe (1)"]


def test_two_servers_ticked_on_the_overview_are_compared_on_one_chart(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/")
    page.check("input[value='web1:9100']")
    page.check("input[value='db1:9100']")
    page.click("#compare-form button[type=submit]")
    charted(page)
    shoot(page, "compare")

    names = page.locator("figure.panel").evaluate(
        "f => f.hostwatchChart.series.slice(1).map(s => s.label)"
    )
    assert sorted(names) == ["db1:9100", "web1:9100"]


def test_the_explorer_keeps_the_typed_search_when_a_series_is_clicked(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + WEB1 + "/metrics")
    page.fill("#metric-search", "node_load")
    page.get_by_role("link", name="node_load5", exact=True).click()
    charted(page)

    assert page.input_value("#metric-search") == "node_load"
    listed = page.locator("#series-list li:visible a").all_inner_texts()
    assert listed == ["node_load1", "node_load15", "node_load5"]
    assert "q=node_load" in page.url


def test_the_explorer_charts_the_ticked_series_on_one_chart_that_survives_a_reload(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + WEB1 + "/metrics?q=node_load")
    for name in ("node_load1", "node_load15"):
        page.check(f"input[aria-label='Chart {name}']")
        charted(page)
    page.reload()
    charted(page)

    assert page.locator("figure.panel").count() == 1
    legend = page.locator("figure.panel").evaluate(
        "f => f.hostwatchChart.series.slice(1).map(s => s.label)"
    )
    assert legend == ["node_load1", "node_load15"]
    assert page.input_value("#metric-search") == "node_load"
    assert page.url.count("series=") == 2


def test_a_series_from_the_explorer_is_compared_across_servers(page: Page, base_url: str) -> None:
    page.goto(base_url + WEB1 + "/metrics?q=node_load1")
    page.check("input[aria-label='Chart node_load1']")
    page.get_by_role("link", name="Compare node_load1 across servers").click()
    page.check("input[name=server][value='db1:9100']")
    page.click("form.compare button[type=submit]")
    charted(page)

    chart = page.locator("figure.panel")
    assert chart.locator("figcaption").inner_text() == "node_load1"
    names = chart.evaluate("f => f.hostwatchChart.series.slice(1).map(s => s.label)")
    assert sorted(names) == ["db1:9100", "web1:9100"]


def test_dark_mode_follows_the_system_and_the_toggle(browser: Browser, base_url: str) -> None:
    page = opened(browser, base_url + "/", "dark")
    background = "getComputedStyle(document.body).backgroundColor"
    system = page.evaluate(background)
    page.click("#theme")  # auto -> light
    light = page.evaluate(background)
    page.reload()

    assert (system, light) == ("rgb(18, 21, 27)", "rgb(247, 248, 250)")
    assert page.evaluate(background) == light  # the choice is kept
    assert page.locator("#theme").inner_text() == "☀ Light"


def test_relative_times_tick_without_a_reload(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    age = page.locator("tr[data-instance='web1:9100'] [data-role=age] time")
    before = age.inner_text()

    expect(age).not_to_have_text(before, timeout=5000)


def test_a_refused_configuration_appears_on_an_open_overview(
    browser: Browser, store: Storage
) -> None:
    store.report(SCRAPER)
    fast = dataclasses.replace(SETTINGS, stream_interval_s=0.2)
    with serving(create_app(store, fast)) as url:
        page = opened(browser, url + "/")
        expect(page.locator("body[data-refreshed]")).to_be_attached()  # the stream is open
        error = "config/targets.yml:7:13: 'x' is not host:port"
        store.report(dataclasses.replace(SCRAPER, reload_ok=False, reload_error=error))

        notice = page.locator("#notices .notice")
        expect(notice).to_be_visible(timeout=10_000)
        assert notice.inner_text().startswith("The scraper refused a new configuration: config/")
        assert "0/1" not in notice.inner_text()


def test_the_silence_help_reads_as_one_line(browser: Browser, store: Storage) -> None:
    add_user(store, "admin", role="admin")  # the silence form is an admin's
    with serving(create_app(store, SETTINGS)) as url:
        page = opened(browser, url + "/login?next=/alerts", "light")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_url("**/alerts")
        tops = page.locator(".silence-form .help code").evaluate_all(
            "cs => cs.map(c => Math.round(c.getBoundingClientRect().top))"
        )
        page.context.close()

    assert len(tops) == 4
    assert len(set(tops)) == 1

"""Adding a server from the browser: an admin fills the form on /fleet/servers, sees the install
snippet and the first scrape by a real scraper come in live, then removes the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from storage import Storage
from tests.web.accounts import PASSWORD, add_user
from tests.web.chromium import shoot
from tests.web.scraping import PICKED_UP_WITHIN_S, Exporter, scraper
from tests.web.serving import serving
from web.app import create_app

pytestmark = pytest.mark.slow


def test_an_admin_adds_a_server_sees_it_come_up_live_and_removes_it(
    browser: Browser, tmp_path: Path, scraped_database: str, exporter: Exporter
) -> None:
    store = Storage.open(scraped_database)
    store.upgrade()
    add_user(store, "ann", "admin")
    with serving(create_app(store)) as url, scraper(tmp_path, scraped_database):
        page = browser.new_page()
        page.goto(url + "/login")
        page.fill("input[name=username]", "ann")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.click("#add-server-link")
        page.fill("#add-server input[name=address]", exporter.address)
        page.fill("#add-server input[name=scrape_interval]", "1s")
        page.fill("#add-server textarea[name=labels]", "env=lab")
        page.click("#add-server button[type=submit]")

        expect(page.locator("#install")).to_contain_text("pip install hostwatch")
        expect(page.locator("[data-role=first-scrape]")).to_have_text(
            "up", timeout=PICKED_UP_WITHIN_S * 1000
        )
        shoot(page, "registered-first-scrape")
        page.goto(url + "/")
        row = page.locator(f"tr[data-instance='{exporter.address}']")
        expect(row.locator("[data-role=source]")).to_have_text("api")

        page.goto(url + "/fleet/servers")
        page.locator(f"tr[data-address='{exporter.address}'] button", has_text="Remove").click()
        expect(page.locator("#registered")).to_contain_text("No registered servers.")
        page.close()
    assert store.registered_servers() == []
    store.close()

"""The /alerts page in Chromium, on a real scraper: "Send test notification" shows the receiver's
real answer (a stand-in service taking it, another refusing it with 404), and a receiver created
in the browser's form is in force with its secret never in the page's HTML nor the API's JSON."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from storage import Storage
from tests.alerts.services import Service, service_server
from tests.web.accounts import PASSWORD, add_user, bearer
from tests.web.chromium import shoot
from tests.web.scraping import STARTED_WITHIN_S, scraper, within
from tests.web.serving import serving
from web.app import create_app

pytestmark = pytest.mark.slow
ALERTS = """\
global:
  evaluation_interval: 200ms
receivers:
  - name: chat
    slack_configs:
      - api_url: {slack}/services/T000/B000/FILESECRET
  - name: broken
    discord_configs:
      - webhook_url: {discord}/api/webhooks/1/revoked-token
"""
SECRET = "NEWSECRET42"
ANSWERED_MS = 30_000.0


@dataclass
class Site:
    url: str
    store: Storage
    slack: Service
    discord: Service


@pytest.fixture
def site(tmp_path: Path, scraped_database: str) -> Iterator[Site]:
    store = Storage.open(scraped_database)
    store.upgrade()
    add_user(store, "ann", "admin")
    with service_server() as slack, service_server() as discord:
        slack.answers("slack")
        discord.answer = (404, {"message": "Unknown Webhook", "code": 10015})
        (tmp_path / "config").mkdir()
        text = ALERTS.format(slack=slack.url, discord=discord.url)
        (tmp_path / "config" / "alerts.yml").write_text(text)
        with serving(create_app(store)) as url, scraper(tmp_path, scraped_database):
            assert within(STARTED_WITHIN_S, lambda: bool(store.alerting_reports()))
            yield Site(url, store, slack, discord)
    store.close()


def signed_in(browser: Browser, site: Site) -> Page:
    page = browser.new_page()
    page.goto(site.url + "/login?next=%2Falerts")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    return page


def test_the_test_button_shows_the_receiver_s_real_answer_a_2xx_and_a_404(
    browser: Browser, site: Site
) -> None:
    page = signed_in(browser, site)
    page.goto(site.url + "/alerts")

    page.locator("tr[data-receiver=chat] button", has_text="Send test notification").click()
    taken = page.locator("#tested[data-receiver=chat] li")
    expect(taken).to_have_text("✔ chat/slack/0: HTTP 200", timeout=ANSWERED_MS)
    page.locator("tr[data-receiver=broken] button", has_text="Send test notification").click()
    refused = page.locator("#tested[data-receiver=broken] li")
    expect(refused).to_have_text(
        "✖ broken/discord/0: discord: HTTP 404: Unknown Webhook", timeout=ANSWERED_MS
    )
    shoot(page, "alerts-test-refused")

    assert refused.get_attribute("data-ok") == "no"
    assert [r.path for r in site.slack.received] == ["/services/T000/B000/FILESECRET"]
    page.close()


def test_a_receiver_created_in_the_form_is_in_force_and_its_secret_never_shown(
    browser: Browser, site: Site
) -> None:
    page = signed_in(browser, site)
    page.goto(site.url + "/alerts")
    page.click("#new-receiver summary")
    page.fill("#new-receiver input[name=name]", "pager")
    yaml = f"slack_configs:\n  - api_url: {site.slack.url}/services/T1/B1/{SECRET}\n"
    page.fill("#new-receiver textarea[name=integrations]", yaml)
    page.click("#new-receiver button[type=submit]")

    row = page.locator("tr[data-receiver=pager]")
    expect(row.locator("[data-role=source]")).to_have_text("browser", timeout=ANSWERED_MS)
    row.locator("summary", has_text="Edit").click()
    expect(row.locator("textarea[name=integrations]")).to_have_value(
        "slack_configs:\n- api_url: set\n"
    )
    shoot(page, "alerts-receiver-created")
    html = page.content()
    row.locator("button", has_text="Send test notification").click()
    expect(page.locator("#tested[data-receiver=pager] li")).to_have_text(
        "✔ pager/slack/0: HTTP 200", timeout=ANSWERED_MS
    )
    page.close()

    api = httpx.get(
        site.url + "/api/v1/receivers", headers=bearer(site.store, "ann"), timeout=30
    ).text
    assert SECRET not in html + api
    assert "FILESECRET" not in html + api
    assert site.slack.received[-1].path == f"/services/T1/B1/{SECRET}"

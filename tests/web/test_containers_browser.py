"""The Containers section in real headless Chromium: tick a container, chart only it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web import dockerhost
from tests.web.chromium import shoot
from tests.web.conftest import SETTINGS, open_empty
from tests.web.serving import serving
from web.app import create_app

pytestmark = pytest.mark.slow


@pytest.fixture
def docker_url(tmp_path: Path) -> Iterator[str]:
    store = open_empty(f"sqlite:///{tmp_path / 'docker.db'}")
    dockerhost.seed(store)
    with serving(create_app(store, SETTINGS)) as url:
        yield url
    store.close()


def test_ticking_one_container_charts_only_it(page: Page, docker_url: str) -> None:
    page.goto(f"{docker_url}/servers/{dockerhost.DOCKER}?job=node")
    # The charts' uPlot legends; each one's first entry is the time axis.
    legend = page.locator("#container-charts .u-legend .u-series:not(:first-child) .u-label")
    page.wait_for_selector("#container-charts .u-legend")
    assert "web" in legend.all_inner_texts()

    page.get_by_label("chart web").uncheck()
    page.get_by_label("chart db").check()
    page.locator("#chart-containers").click()
    page.wait_for_url("**container=**")
    # live.js's one refresh when its stream opens swaps the charts in again: read after it.
    expect(page.locator("body[data-refreshed]")).to_be_attached()
    page.wait_for_selector("#container-charts .u-legend")
    shoot(page, "containers")

    assert set(legend.all_inner_texts()) == {"db", "db read", "db write", "db in", "db out"}
    row = page.locator(f"tr[data-id='{dockerhost.WEB_ID}']")
    assert row.locator("[data-role=cpu]").inner_text() == "50.0 %"
    assert page.locator("#services").get_by_text("ssh").count() == 1

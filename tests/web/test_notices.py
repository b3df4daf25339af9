"""The overview's notices: a refused config reload and a silent scraper are impossible to miss."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from scraper.storage import ScraperStatus, Storage
from tests.storage.builders import NOW
from tests.web.conftest import SETTINGS, open_seeded
from web.app import create_app

HEALTHY = ScraperStatus(
    name="0/1",
    config_file="config/targets.yml",
    targets=3,
    reload_ok=True,
    reload_error=None,
    reloaded_ms=NOW - 3_600_000,
    heartbeat_ms=NOW - 5_000,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Storage]:
    seeded = open_seeded(f"sqlite:///{tmp_path / 'hostwatch.db'}")
    yield seeded
    seeded.close()


def notices(store: Storage) -> list[str]:
    with TestClient(create_app(store, SETTINGS)) as client:
        page = client.get("/").text
    return [line.strip() for line in page.splitlines() if 'class="notice"' in line]


def test_a_healthy_scraper_shows_no_notice(store: Storage) -> None:
    store.report(HEALTHY)

    assert notices(store) == []


def test_a_refused_reload_shows_the_error_and_that_the_old_config_runs(store: Storage) -> None:
    error = "config/targets.yml:7:13: 'not an address' is not host:port"
    store.report(dataclasses.replace(HEALTHY, reload_ok=False, reload_error=error))

    assert notices(store) == [
        '<p class="notice" role="alert"><strong>Scraper 0/1 refused its new configuration:'
        "</strong> config/targets.yml:7:13: &#39;not an address&#39; is not host:port (the "
        "previous configuration of config/targets.yml keeps running)</p>"
    ]


def test_a_scraper_silent_for_over_a_minute_is_called_out(store: Storage) -> None:
    store.report(dataclasses.replace(HEALTHY, heartbeat_ms=NOW - 300_000))

    assert notices(store) == [
        '<p class="notice" role="alert"><strong>Scraper 0/1 is silent:</strong> its last '
        "report was 5m ago: is it running?</p>"
    ]

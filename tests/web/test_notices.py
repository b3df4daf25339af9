"""The overview's notices: a refused config reload and a silent scraper are impossible to miss."""

from __future__ import annotations

import dataclasses

from starlette.testclient import TestClient

from storage import Storage
from tests.storage.builders import NOW, SCRAPER
from tests.web.conftest import SETTINGS
from web.app import create_app


def notices(store: Storage) -> list[str]:
    with TestClient(create_app(store, SETTINGS)) as client:
        page = client.get("/").text
    return [line.strip() for line in page.splitlines() if 'class="notice"' in line]


def test_a_healthy_scraper_shows_no_notice(store: Storage) -> None:
    store.report(SCRAPER)

    assert notices(store) == []


def test_a_refused_reload_shows_the_error_and_that_the_old_config_runs(store: Storage) -> None:
    error = "config/targets.yml:7:13: 'not an address' is not host:port"
    store.report(dataclasses.replace(SCRAPER, reload_ok=False, reload_error=error))

    assert notices(store) == [
        '<p class="notice" role="alert"><strong>The scraper refused a new configuration:'
        "</strong> config/targets.yml:7:13: &#39;not an address&#39; is not host:port. The "
        "previous configuration keeps running; fix the file and it is read again.</p>"
    ]


def test_a_scraper_silent_for_over_a_minute_is_called_out(store: Storage) -> None:
    store.report(dataclasses.replace(SCRAPER, heartbeat_ms=NOW - 300_000))

    assert notices(store) == [
        '<p class="notice" role="alert"><strong>The scraper is silent:</strong> its last '
        "report was 5m ago: is it running?</p>"
    ]


def test_one_of_several_scrapers_is_named_by_its_place_not_its_shard(store: Storage) -> None:
    store.report(dataclasses.replace(SCRAPER, name="1/3", heartbeat_ms=NOW - 300_000))

    assert notices(store)[0].startswith('<p class="notice" role="alert"><strong>Scraper 2 of 3 ')

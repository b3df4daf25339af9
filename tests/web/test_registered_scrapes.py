"""A server registered through the API is scraped by a real scraper process, picked up from the
database without a restart; deleted, it is scraped no more; a restarted scraper keeps it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS
from tests.web.scraping import PICKED_UP_WITHIN_S, Exporter, scraper, within
from web.app import create_app

pytestmark = pytest.mark.slow


@pytest.fixture
def admin(scraped_database: str) -> Iterator[TestClient]:
    store = Storage.open(scraped_database)
    store.upgrade()
    add_user(store, "root", "admin")
    with TestClient(create_app(store, SETTINGS), headers=bearer(store, "root")) as client:
        yield client
    store.close()


def register(admin: TestClient, exporter: Exporter) -> None:
    body = {"address": exporter.address, "job": "node", "scrape_interval": "1s"}
    assert admin.post("/api/v1/servers", json=body).status_code == 201


def listed_up(admin: TestClient, exporter: Exporter) -> bool:
    servers = admin.get("/api/v1/servers").json()["servers"]
    return any(
        (s["instance"], s["health"], s["source"]) == (exporter.address, "up", "api")
        for s in servers
    )


def test_a_posted_server_is_scraped_within_10_s_and_listed_with_source_api(
    tmp_path: Path, scraped_database: str, admin: TestClient, exporter: Exporter
) -> None:
    with scraper(tmp_path, scraped_database):
        time.sleep(1)  # the scraper is running before the server is registered
        register(admin, exporter)

        assert within(PICKED_UP_WITHIN_S, lambda: listed_up(admin, exporter))


def test_a_deleted_server_is_scraped_no_more(
    tmp_path: Path, scraped_database: str, admin: TestClient, exporter: Exporter
) -> None:
    with scraper(tmp_path, scraped_database):
        register(admin, exporter)
        assert within(PICKED_UP_WITHIN_S, lambda: exporter.scrapes >= 2)

        assert admin.delete(f"/api/v1/servers/{exporter.address}").status_code == 200
        time.sleep(2.5)  # a reload tick (1 s) and a scrape already under way
        after_delete = exporter.scrapes
        time.sleep(3)

        assert exporter.scrapes == after_delete


def test_a_restarted_scraper_keeps_scraping_a_registered_server(
    tmp_path: Path, scraped_database: str, admin: TestClient, exporter: Exporter
) -> None:
    register(admin, exporter)
    with scraper(tmp_path, scraped_database):
        assert within(PICKED_UP_WITHIN_S, lambda: exporter.scrapes >= 1)
    before_restart = exporter.scrapes

    with scraper(tmp_path, scraped_database):
        assert within(PICKED_UP_WITHIN_S, lambda: exporter.scrapes > before_restart)

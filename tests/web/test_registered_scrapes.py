"""A server registered through the API is scraped by a real scraper process, picked up from the
database without a restart; deleted, it is scraped no more; a restarted scraper keeps it."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.alerts.receivers import serving_in_thread
from tests.exporter.serving import free_port
from tests.scraper.targets import TargetHandler, TargetServer
from tests.scraper.test_cli import SCRAPER
from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS
from web.app import create_app

pytestmark = pytest.mark.slow
TARGETS = "scrape_configs:\n  - job_name: node\n    scrape_interval: 1h\n"
PICKED_UP_WITHIN_S = 10.0


class Exporter:
    """An exporter-like target on 127.0.0.1 that counts the scrapes it answers."""

    def __init__(self) -> None:
        self.scrapes = 0
        self._lock = threading.Lock()
        exporter = self

        class Counting(TargetHandler):
            protocol_version = "HTTP/1.0"  # no kept-alive connection outliving a scrape

            def do_GET(self) -> None:
                with exporter._lock:
                    exporter.scrapes += 1
                super().do_GET()

        self.server = TargetServer(("127.0.0.1", 0), Counting)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def exporter() -> Iterator[Exporter]:
    target = Exporter()
    with serving_in_thread(target.server):
        yield target


@pytest.fixture
def database(tmp_path: Path) -> str:
    (tmp_path / "targets.yml").write_text(TARGETS)
    return f"sqlite:///{tmp_path / 'hostwatch.db'}"


@pytest.fixture
def admin(database: str) -> Iterator[TestClient]:
    store = Storage.open(database)
    store.upgrade()
    add_user(store, "root", "admin")
    with TestClient(create_app(store, SETTINGS), headers=bearer(store, "root")) as client:
        yield client
    store.close()


@contextmanager
def scraper(tmp_path: Path, database: str) -> Iterator[None]:
    flags = [
        *("--config", str(tmp_path / "targets.yml"), "--database-url", database),
        *("--listen", f"127.0.0.1:{free_port()}", "--reload-interval", "1"),
    ]
    with subprocess.Popen([*SCRAPER, *flags], cwd=tmp_path) as process:
        try:
            yield
            assert process.poll() is None, "the scraper exited early (see its stderr)"
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)


def within(seconds: float, condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


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
    tmp_path: Path, database: str, admin: TestClient, exporter: Exporter
) -> None:
    with scraper(tmp_path, database):
        time.sleep(1)  # the scraper is running before the server is registered
        register(admin, exporter)

        assert within(PICKED_UP_WITHIN_S, lambda: listed_up(admin, exporter))


def test_a_deleted_server_is_scraped_no_more(
    tmp_path: Path, database: str, admin: TestClient, exporter: Exporter
) -> None:
    with scraper(tmp_path, database):
        register(admin, exporter)
        assert within(PICKED_UP_WITHIN_S, lambda: exporter.scrapes >= 2)

        assert admin.delete(f"/api/v1/servers/{exporter.address}").status_code == 200
        time.sleep(2.5)  # a reload tick (1 s) and a scrape already under way
        after_delete = exporter.scrapes
        time.sleep(3)

        assert exporter.scrapes == after_delete


def test_a_restarted_scraper_keeps_scraping_a_registered_server(
    tmp_path: Path, database: str, admin: TestClient, exporter: Exporter
) -> None:
    register(admin, exporter)
    with scraper(tmp_path, database):
        assert within(PICKED_UP_WITHIN_S, lambda: exporter.scrapes >= 1)
    before_restart = exporter.scrapes

    with scraper(tmp_path, database):
        assert within(PICKED_UP_WITHIN_S, lambda: exporter.scrapes > before_restart)

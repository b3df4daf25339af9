"""A real scraper process and an exporter-like target on 127.0.0.1 for the tests of servers
registered at run time (API and browser)."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.alerts.receivers import serving_in_thread
from tests.exporter.serving import free_port
from tests.scraper.targets import TargetHandler, TargetServer
from tests.scraper.test_cli import SCRAPER

TARGETS = "scrape_configs:\n  - job_name: node\n    scrape_interval: 1h\n"
PICKED_UP_WITHIN_S = 10.0
STARTED_WITHIN_S = 30.0  # a scraper process starting and reporting on a busy machine


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
def scraped_database(tmp_path: Path) -> str:
    """A SQLite file for the scraper and the web app, beside a targets.yml listing no target."""
    (tmp_path / "targets.yml").write_text(TARGETS)
    return f"sqlite:///{tmp_path / 'hostwatch.db'}"


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

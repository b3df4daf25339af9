"""The real scraper process against a database that goes away: started while it is down, and
killed with SIGKILL during an outage, it loses no scrape (the buffer spills to disk)."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from storage import Storage
from tests.exporter.serving import free_port
from tests.scraper.hostile import Bodies, serving
from tests.scraper.process import SCRAPER, stop, stored_scrapes, wait_for
from tests.scraper.proxy import CuttableProxy

pytestmark = pytest.mark.slow


@pytest.fixture
def target() -> Iterator[Bodies]:
    with serving() as bodies:
        bodies.serve("/metrics", "good 1\n")
        yield bodies


@pytest.fixture
def proxy() -> Iterator[CuttableProxy]:
    proxy = CuttableProxy(("127.0.0.1", 5432))
    yield proxy
    proxy.close()


def start(
    tmp_path: Path, target: Bodies, database_url: str, listen: int = 0
) -> subprocess.Popen[bytes]:
    config = tmp_path / "targets.yml"
    config.write_text(
        "scrape_configs:\n  - job_name: demo\n    scrape_interval: 1s\n    scrape_timeout: 1s\n"
        f'    static_configs:\n      - targets: ["{target.address}"]\n'
    )
    flags = ["--config", str(config), "--database-url", database_url]
    flags += ["--listen", f"127.0.0.1:{listen or free_port()}"]
    flags += ["--spill-dir", str(tmp_path / "spill")]
    return subprocess.Popen([*SCRAPER, *flags], stderr=subprocess.PIPE)


def scrapes_made(port: int) -> int:
    """What the scraper's own /metrics says it scraped: every scrape it handed its buffer."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    found = re.search(r'^hostwatch_scraper_scrapes_total\{job="demo"\} (\S+)$', text, re.M)
    return int(float(found.group(1))) if found else 0


def through(proxy: CuttableProxy, url: str) -> str:
    return url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")


def test_a_scraper_started_while_the_database_is_down_scrapes_and_writes_once_it_is_back(
    tmp_path: Path, target: Bodies, empty_postgresql: str, proxy: CuttableProxy
) -> None:
    proxy.cut()
    scraper = start(tmp_path, target, through(proxy, empty_postgresql))
    try:
        wait_for(lambda: target.requests >= 3, 30, "3 scrapes while the database is down")
        assert scraper.poll() is None
        proxy.restore()
        scraped = target.requests
        wait_for(
            lambda: (
                stored_scrapes(empty_postgresql, target.address, int(time.time() * 1000)) >= scraped
            ),
            60,
            f"{scraped} scrapes stored",
        )
    finally:
        stderr = stop(scraper).decode()
    assert "database unavailable at start, scraping into the buffer" in stderr
    back = re.search(r"database is back: writing (\d+) buffered samples", stderr)
    assert back is not None
    assert int(back.group(1)) >= 3 * 5  # 3 scrapes of good, up and the 3 other synthetic ones


def test_kill_9_during_an_outage_loses_no_scrape(
    tmp_path: Path, target: Bodies, empty_postgresql: str, proxy: CuttableProxy
) -> None:
    Storage.open(empty_postgresql).upgrade()
    url = through(proxy, empty_postgresql)
    port = free_port()
    first = start(tmp_path, target, url, port)
    try:
        wait_for(lambda: target.requests >= 2, 30, "2 scrapes stored")
        proxy.cut()
        outage = target.requests + 5
        wait_for(lambda: target.requests >= outage, 30, "5 scrapes during the outage")
        # Killed 0.3 s after a scrape began: it is buffered by then, the next is 0.7 s away.
        seen = target.requests
        wait_for(lambda: target.requests > seen, 5, "one more scrape")
        time.sleep(0.3)
        scraped = scrapes_made(port)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_ms, requested = int(time.time() * 1000), target.requests
    finally:
        first.kill()
        first.communicate(timeout=10)
    proxy.restore()
    second = start(tmp_path, target, url)
    try:
        wait_for(
            lambda: stored_scrapes(empty_postgresql, target.address, killed_ms) >= scraped,
            60,
            f"{scraped} scrapes stored",
        )
    finally:
        stop(second)
    # Every scrape made before the kill is stored; on a loaded machine one more may have been
    # made between reading the counter and the kill, never more than the target answered.
    assert scraped <= stored_scrapes(empty_postgresql, target.address, killed_ms) <= requested

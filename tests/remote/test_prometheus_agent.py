"""End to end with the real thing: Debian's Prometheus in agent mode scrapes Debian's
node_exporter and remote-writes to a real hostwatch-scraper; hostwatch-web's API shows the
host up with its samples, and down with the silence reason once that Prometheus is stopped."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.conftest import require_tool
from tests.exporter.compat import node_exporter, running
from tests.exporter.serving import free_port
from tests.remote.pushing import SCRAPER_START_S, token_of
from tests.scraper.test_cli import SCRAPER
from tests.web.accounts import add_user
from web.app import create_app
from web.http.state import Settings

T = TypeVar("T")
AGENT = """\
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs: [{{targets: ["{node}"]}}]
remote_write:
  - url: http://{receiver}/api/v1/write
    authorization:
      credentials: {token}
    queue_config:
      batch_send_deadline: 1s
    metadata_config:
      send_interval: 1s
"""
SILENCE_S = 5


def eventually(probe: Callable[[], T | None], seconds: float = 60.0) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (found := probe()) is not None:
            return found
        time.sleep(0.5)
    pytest.fail(f"not seen within {seconds:g} s")


@pytest.fixture
def scraper(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """(the receiver's host:port, its database URL, an admin's token) of a real
    hostwatch-scraper receiving remote write, pushing hosts silent for 5 s marked down."""
    url = f"sqlite:///{tmp_path / 'hostwatch.db'}"
    with Storage.open(url) as store:
        store.upgrade()
        add_user(store, "agent", "admin")
        token = token_of(store, "agent")
    (tmp_path / "targets.yml").write_text("scrape_configs: []\n")
    address = f"127.0.0.1:{free_port()}"
    argv = [
        *SCRAPER,
        *("--config", str(tmp_path / "targets.yml"), "--database-url", url),
        *("--listen", address, "--enable-remote-write-receiver"),
        *("--remote-write-silence", str(SILENCE_S)),
    ]
    with running(argv, f"http://{address}/metrics", tmp_path / "scraper.log", SCRAPER_START_S):
        yield address, url, token


def server_of(web: TestClient, instance: str) -> dict[str, Any] | None:
    servers = web.get("/api/v1/servers").json()["servers"]
    return next((s for s in servers if s["instance"] == instance), None)


@pytest.mark.slow
def test_a_prometheus_agent_pushes_a_host_that_shows_up_then_down_when_it_stops(
    tmp_path: Path, scraper: tuple[str, str, str]
) -> None:
    prometheus = require_tool("prometheus")
    receiver, url, token = scraper
    with node_exporter(tmp_path) as node, Storage.open(url) as store:
        config = tmp_path / "agent.yml"
        config.write_text(AGENT.format(node=node, receiver=receiver, token=token))
        listen = f"127.0.0.1:{free_port()}"
        argv = [
            prometheus,
            "--enable-feature=agent",
            f"--config.file={config}",
            f"--storage.agent.path={tmp_path / 'agent'}",
            f"--web.listen-address={listen}",
        ]
        web = TestClient(
            create_app(store, Settings(allowed_hosts=("testserver",))),
            headers={"Authorization": f"Bearer {token}"},
        )
        with running(argv, f"http://{listen}/-/ready", tmp_path / "prometheus.log"):
            shown = eventually(lambda: server_of(web, node))
            boot = _scraped(node, "node_boot_time_seconds")
            query = {
                "metric": "node_boot_time_seconds",
                "match[]": f'instance="{node}"',
                "fn": "last",
            }
            points = eventually(
                lambda: web.get("/api/v1/query_range", params=query).json()["series"] or None
            )
        down = eventually(lambda: _down(server_of(web, node)), seconds=SILENCE_S * 6)
    assert (shown["health"], shown["job"], shown["labels"]["source"]) == ("up", "node", "push")
    assert points[0]["points"][-1][1] == boot
    assert down["last_error"] == f"no samples for {SILENCE_S}s"


def _down(server: dict[str, Any] | None) -> dict[str, Any] | None:
    return server if server and server["health"] == "down" else None


def _scraped(address: str, name: str) -> float:
    for line in httpx.get(f"http://{address}/metrics", timeout=10).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not exposed by {address}")

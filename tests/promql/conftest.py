"""The yardstick's fixtures: one captured day, in hostwatch (SQLite) and in Prometheus."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from bench.day import Day, backfill, capture, prometheus
from storage import Storage
from tests.conftest import require_tool
from web.app import create_app
from web.http.state import Settings

SETTINGS = Settings(allowed_hosts=("testserver",), open_without_users=True)


@dataclass(frozen=True, slots=True)
class Sides:
    """The same day behind hostwatch's API (a test client) and Prometheus's (a URL)."""

    day: Day
    hostwatch: TestClient
    prometheus: str


@pytest.fixture(scope="session")
def sides(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sides]:
    for tool in ("prometheus-node-exporter", "promtool", "prometheus"):
        require_tool(tool)  # skipped (failed in CI) here, rather than bench/day.py's exit
    workdir = tmp_path_factory.mktemp("day")
    store = Storage.open(f"sqlite:///{workdir / 'hostwatch.db'}")
    store.upgrade()
    day, openmetrics = capture(workdir, store)
    backfill(openmetrics, workdir / "data")
    openmetrics.unlink()
    with (
        prometheus(workdir / "data", workdir) as api,
        TestClient(create_app(store, SETTINGS)) as client,
    ):
        yield Sides(day, client, api)
    store.close()

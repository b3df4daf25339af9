"""hostwatch-web reads fleet data from a PostgreSQL read replica (hot standby) if given one.

A standby refuses every write; a session with ``default_transaction_read_only`` on refuses
them the same way ("cannot execute ... in a read-only transaction"), so the web app is run on
such a connection to the fleet the web tests use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from model.errors import StorageError
from storage import Storage
from tests.conftest import throwaway_database
from tests.deploy.files import eventually, running
from tests.exporter.serving import free_port
from tests.storage.builders import NOW
from tests.web import fleet
from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS
from web.app import create_app

READ_ONLY = "?options=-c%20default_transaction_read_only%3Don"
PATHS = ["/", "/servers/web1:9100", "/api/v1/servers", "/api/v1/servers/db1:9100", "/health"]


def test_a_read_only_connection_refuses_the_scrapers_writes(fleet_database: str) -> None:
    store = Storage.open(fleet_database + READ_ONLY)
    try:
        with pytest.raises(StorageError, match="read-only transaction"):
            store.write([fleet.scrape("web1:9100", NOW)])
    finally:
        store.close()


def answer(url: str) -> httpx.Response | None:
    """The answer from ``url``, or None while nothing listens there."""
    try:
        return httpx.get(url, timeout=30)
    except httpx.TransportError:
        return None


@pytest.mark.slow
def test_the_web_app_serves_every_page_from_a_read_only_connection(
    fleet_database: str, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    command = [f"{Path(sys.executable).parent}/hostwatch-web", "--listen", url[7:]]
    env = {**os.environ, "HOSTWATCH_DATABASE_URL": fleet_database + READ_ONLY}
    with running(command, env, tmp_path):
        eventually(lambda: answer(f"{url}/health"), 30, "hostwatch-web did not answer")
        statuses = {path: httpx.get(url + path, timeout=30).status_code for path in PATHS}

    assert statuses == dict.fromkeys(PATHS, 200)


def test_with_a_read_replica_fleet_data_comes_from_it_and_accounts_from_the_primary(
    fleet_database: str,
) -> None:
    with throwaway_database() as primary_url:
        primary = Storage.open(primary_url)
        primary.upgrade()
        add_user(primary, "root", "admin")
        primary.close()
        store = Storage.open(primary_url, read_url=fleet_database + READ_ONLY, clock=lambda: NOW)
        try:
            with TestClient(create_app(store, SETTINGS), headers=bearer(store, "root")) as client:
                servers = client.get("/api/v1/servers").json()["servers"]
                me = client.get("/api/v1/me").json()
        finally:
            store.close()

    assert {server["instance"] for server in servers} >= {"web1:9100", "db1:9100"}
    assert (me["user"], me["role"]) == ("root", "admin")

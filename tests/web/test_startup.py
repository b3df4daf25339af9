"""hostwatch-web started beside hostwatch-scraper on a fresh database waits for its schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from model.errors import SchemaError
from storage import SCHEMA_VERSION, Storage
from tests.deploy.files import eventually
from tests.exporter.serving import free_port
from web.startup import wait_for_schema


def test_a_schema_never_upgraded_is_an_error_naming_the_command_that_upgrades_it(
    tmp_path: Path,
) -> None:
    with (
        Storage.open(f"sqlite:///{tmp_path / 'fresh.db'}") as store,
        pytest.raises(SchemaError) as raised,
    ):
        wait_for_schema(store, 0)

    assert str(raised.value) == (
        f"database schema is at version 0, this code needs {SCHEMA_VERSION} (waited 0s): "
        "run hostwatch-scraper db upgrade"
    )


def test_waiting_ends_as_soon_as_the_schema_is_upgraded(tmp_path: Path) -> None:
    polls: list[float] = []
    with Storage.open(f"sqlite:///{tmp_path / 'fresh.db'}") as store:

        def upgrade_on_second_poll(seconds: float) -> None:
            polls.append(seconds)
            if len(polls) == 2:
                store.upgrade()

        wait_for_schema(store, 60, sleep=upgrade_on_second_poll)

    assert polls == [0.5, 0.5]


def _answer(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=5).status_code
    except httpx.TransportError:
        return None


@pytest.mark.slow
def test_the_web_app_started_before_the_scrapers_upgrade_says_it_waits_and_then_serves(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'hostwatch.db'}"
    listen = f"127.0.0.1:{free_port()}"
    command = [f"{Path(sys.executable).parent}/hostwatch-web", "--listen", listen]
    env = {**os.environ, "HOSTWATCH_DATABASE_URL": url}
    log = tmp_path / "web.log"
    with log.open("w") as stderr:
        web = subprocess.Popen(command, env=env, stderr=stderr)
    try:
        eventually(lambda: "waiting" in log.read_text() or None, 30, "no waiting line")
        assert web.poll() is None
        subprocess.run(
            [f"{Path(sys.executable).parent}/hostwatch-scraper", "db", "upgrade"],
            env=env,
            check=True,
        )
        status = eventually(lambda: _answer(f"http://{listen}/health"), 30, "web did not answer")
    finally:
        web.terminate()
        web.wait(timeout=20)

    assert status == 200
    assert "or run hostwatch-scraper db upgrade" in log.read_text()

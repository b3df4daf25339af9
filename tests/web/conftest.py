"""Web fixtures: the test fleet written by the real storage layer into SQLite and PostgreSQL.

The seeded stores are built once per session and only read; a test that writes opens its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from scraper.storage import Storage
from tests.conftest import emptied
from tests.storage.builders import NOW
from tests.storage.conftest import BACKENDS
from tests.web import fleet
from web.app import create_app
from web.state import Settings

SETTINGS = Settings(clock=lambda: NOW, allowed_hosts=("testserver", "localhost", "127.0.0.1"))


def fresh_url(backend: str, request: pytest.FixtureRequest, directory: Path) -> str:
    """An empty database of ``backend``: a new SQLite file, or the session's PostgreSQL emptied."""
    if backend == "sqlite":
        return f"sqlite:///{directory / 'hostwatch.db'}"
    url: str = request.getfixturevalue("postgresql_database")
    return emptied(url)


def open_seeded(url: str) -> Storage:
    store = Storage.open(url, clock=lambda: NOW)
    store.upgrade()
    fleet.seed(store)
    return store


@pytest.fixture(scope="session", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Storage]:
    """The test fleet in one backend, shared read-only by every test of the session."""
    url = fresh_url(request.param, request, tmp_path_factory.mktemp(request.param))
    store = open_seeded(url)
    yield store
    store.close()


@pytest.fixture
def client(seeded: Storage) -> Iterator[TestClient]:
    with TestClient(create_app(seeded, SETTINGS)) as test_client:
        yield test_client

"""Web fixtures: the test fleet written by the real storage layer into SQLite and PostgreSQL.

The seeded stores are built once per session and only read (they have no users, so the app
is open for reading, as on loopback); a test that writes uses ``empty_store``, an empty
database of its own (PostgreSQL: a second session database, emptied for each test).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.conftest import emptied, throwaway_database
from tests.storage.builders import NOW
from tests.storage.conftest import BACKENDS
from tests.web import fleet
from tests.web.chromium import browser, page, served
from tests.web.scraping import exporter, scraped_database
from web.app import create_app
from web.http.state import Settings

# Open for reading, as on loopback: the seeded stores have no users.
SETTINGS = Settings(
    clock=lambda: NOW,
    allowed_hosts=("testserver", "localhost", "127.0.0.1"),
    open_without_users=True,
)


def fresh_url(
    backend: str,
    request: pytest.FixtureRequest,
    directory: Path,
    database: str = "postgresql_database",
) -> str:
    """An empty database of ``backend``: a new SQLite file, or the PostgreSQL database of the
    session fixture ``database``, emptied."""
    if backend == "sqlite":
        return f"sqlite:///{directory / 'hostwatch.db'}"
    url: str = request.getfixturevalue(database)
    return emptied(url)


def open_empty(url: str) -> Storage:
    """An upgraded store whose clock reads NOW."""
    store = Storage.open(url, clock=lambda: NOW)
    store.upgrade()
    return store


def open_seeded(url: str) -> Storage:
    store = open_empty(url)
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
def store(tmp_path: Path) -> Iterator[Storage]:
    """The test fleet on a SQLite file of this test's own, for tests that write to it."""
    seeded = open_seeded(f"sqlite:///{tmp_path / 'hostwatch.db'}")
    yield seeded
    seeded.close()


@pytest.fixture
def client(seeded: Storage) -> Iterator[TestClient]:
    with TestClient(create_app(seeded, SETTINGS)) as test_client:
        yield test_client


@contextmanager
def own_database(backend: str, directory: Path) -> Iterator[str]:
    """A database of ``backend`` for a fixture wider than one test: a new SQLite file in
    ``directory``, or a new PostgreSQL database dropped at the end."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'hostwatch.db'}"
        return
    with throwaway_database() as url:
        yield url


@pytest.fixture(scope="session")
def writable_postgresql() -> Iterator[str]:
    with throwaway_database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def writable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, this test's alone (on PostgreSQL not the fleet's, which others read)."""
    return fresh_url(request.param, request, tmp_path, "writable_postgresql")


@pytest.fixture
def empty_store(writable_url: str) -> Iterator[Storage]:
    """An upgraded store without targets or users."""
    store = open_empty(writable_url)
    yield store
    store.close()


@pytest.fixture
def app_client(empty_store: Storage) -> Iterator[TestClient]:
    """A client of the app on ``empty_store``, with SETTINGS (open while there is no user)."""
    with TestClient(create_app(empty_store, SETTINGS)) as test_client:
        yield test_client


# Fixtures of tests/web/chromium.py and tests/web/scraping.py, for every web test.
__all__ = ["browser", "exporter", "page", "scraped_database"]


@pytest.fixture
def base_url(store: Storage) -> Iterator[str]:
    """The app on this test's own fleet, served by a real uvicorn on loopback."""
    yield from served(store, SETTINGS)

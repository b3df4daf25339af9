"""Storage fixtures: the same tests run on a real SQLite file and a real PostgreSQL database.

Each test session creates its own PostgreSQL database (hostwatch_test_<random>) and drops it
at the end, so parallel runs never collide; each test starts from an empty public schema.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import pytest
from sqlalchemy import create_engine, text

from model.limits import Limits
from storage import Retention, Storage
from tests.storage.builders import NOW

BACKENDS = ["sqlite", "postgresql"]


class StoreFactory(Protocol):
    def __call__(self, retention: Retention | None = None, limits: Limits | None = None) -> Storage:
        """An upgraded store on the test's empty database, whose clock reads NOW."""
        ...


@pytest.fixture
def empty_url(database_url: str) -> str:
    """An empty database on each backend (tests/conftest.py's ``database_url``)."""
    return database_url


@pytest.fixture
def open_store(empty_url: str) -> Iterator[StoreFactory]:
    opened: list[Storage] = []

    def factory(retention: Retention | None = None, limits: Limits | None = None) -> Storage:
        store = Storage.open(empty_url, retention=retention, limits=limits, clock=lambda: NOW)
        store.upgrade()
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


def select_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Runs SQL behind the store's back, to check what really is in the database."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def count(url: str, table: str) -> int:
    return int(select_rows(url, f"SELECT count(*) FROM {table}")[0][0])


@pytest.fixture
def peek(empty_url: str) -> Callable[[str], list[tuple[Any, ...]]]:
    return functools.partial(select_rows, empty_url)


@pytest.fixture
def count_rows(empty_url: str) -> Callable[[str], int]:
    return functools.partial(count, empty_url)


def stored(url: str) -> int:
    """Samples stored, plain rows and compressed chunks together: the chunks of compacted days
    (the open day's head chunks hold copies of its plain rows, storage/heads.py)."""
    compacted = "SELECT value FROM maintenance_state WHERE key = 'compacted_until'"
    chunked = select_rows(
        url,
        "SELECT coalesce(sum(count), 0) FROM sample_chunks "
        f"WHERE start < coalesce(({compacted}), 0)",
    )[0][0]
    return count(url, "samples") + int(chunked)


@pytest.fixture
def stored_samples(empty_url: str) -> Callable[[], int]:
    return functools.partial(stored, empty_url)


@pytest.fixture
def store(open_store: StoreFactory) -> Storage:
    """An upgraded, empty store whose clock reads NOW."""
    return open_store()

"""Shared fixtures: real services only, never mocks.

A test that needs an optional service or tool (PostgreSQL, promtool, node_exporter, Chromium)
calls :func:`unavailable`; it skips on a developer machine that lacks it, and fails in CI
(``CI=true``), where a missing service is a broken build, not a reason to skip.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from storage import Storage

SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(what: str) -> NoReturn:
    """Skip locally, fail in CI: the test needs `what`, which this machine does not have."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available on this machine")


def require_tool(name: str) -> str:
    """The absolute path of the executable `name`, or :func:`unavailable`."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"the executable {name!r}")
    return path


def _admin() -> Engine:
    return create_engine(f"{SERVER}/test", isolation_level="AUTOCOMMIT")


@contextmanager
def throwaway_database() -> Iterator[str]:
    """The URL of a new PostgreSQL database, dropped when the block ends."""
    name = f"hostwatch_test_{secrets.token_hex(4)}"
    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        admin.dispose()
        unavailable("PostgreSQL on 127.0.0.1:5432 (user postgres, database test)")
    yield f"{SERVER}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[str]:
    """The URL of a PostgreSQL database that lives as long as the test session."""
    with throwaway_database() as url:
        yield url


def emptied(url: str) -> str:
    """``url`` after dropping everything in its PostgreSQL database's public schema."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def empty_postgresql(postgresql_database: str) -> str:
    """The session's PostgreSQL database, emptied for this test."""
    return emptied(postgresql_database)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend: a new SQLite file, or the session's PostgreSQL
    database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hostwatch.db'}"
    return str(request.getfixturevalue("empty_postgresql"))


@pytest.fixture
def store(database_url: str) -> Iterator[Storage]:
    """An upgraded, empty store on each backend (folders with their own ``store`` override it)."""
    opened = Storage.open(database_url)
    opened.upgrade()
    yield opened
    opened.close()

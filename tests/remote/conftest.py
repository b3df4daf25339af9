"""Remote write fixtures: a real receiver over a real SQLite file or PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage import Storage
from tests.remote.pushing import Receiving, receiving, token_of
from tests.web.accounts import add_user


@pytest.fixture
def receiver(store: Storage) -> Iterator[Receiving]:
    with receiving(store) as running:
        yield running


@pytest.fixture
def token(store: Storage) -> str:
    """An API token of an admin, the role allowed to push."""
    add_user(store, "agent", "admin")
    return token_of(store, "agent")

from __future__ import annotations

import pytest

from storage import Storage
from tests.storage.builders import NOW
from tests.web import fleet


@pytest.fixture
def fleet_database(empty_postgresql: str) -> str:
    """The URL of a PostgreSQL database holding the web tests' fleet (tests/web/fleet.py)."""
    store = Storage.open(empty_postgresql, clock=lambda: NOW)
    store.upgrade()
    fleet.seed(store)
    store.close()
    return empty_postgresql

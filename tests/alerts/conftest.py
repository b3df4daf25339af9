from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import Storage
from tests.alerts.receivers import Hook, Mailbox, smtp_server, webhook_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def hook() -> Iterator[Hook]:
    with webhook_server() as running:
        yield running


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Storage]:
    store = Storage.open(f"sqlite:///{tmp_path / 'hostwatch.db'}")
    store.upgrade()
    yield store
    store.close()

from collections.abc import Iterator

import pytest

from tests.scraper.targets import target_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``host:port`` of a real target server with good and bad paths (see targets.py)."""
    with target_server() as address:
        yield address

from pathlib import Path

import pytest

from tests.exporter.fakehost import FakeHost


@pytest.fixture
def fake(tmp_path: Path) -> FakeHost:
    return FakeHost(tmp_path)

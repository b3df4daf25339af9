"""The package builds as pip builds it (an isolated build of pyproject.toml), without warnings."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_the_wheel_builds_without_warnings_and_carries_an_spdx_license(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    (wheel,) = tmp_path.glob("hostwatch-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (name for name in archive.namelist() if name.endswith("/METADATA"))
        headers = archive.read(metadata).decode().split("\n\n")[0].splitlines()

    assert "Warning" not in built.stderr
    assert "License-Expression: Apache-2.0" in headers

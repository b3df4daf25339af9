"""The package builds as pip builds it (an isolated build of pyproject.toml), without warnings."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel pip builds, and what the build wrote on stderr."""
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    (path,) = out.glob("hostwatch-*.whl")
    return path, built.stderr


@pytest.mark.slow
def test_the_wheel_builds_without_warnings_and_carries_an_spdx_license(
    wheel: tuple[Path, str],
) -> None:
    path, stderr = wheel
    with zipfile.ZipFile(path) as archive:
        (metadata,) = (name for name in archive.namelist() if name.endswith("/METADATA"))
        headers = archive.read(metadata).decode().split("\n\n")[0].splitlines()

    assert "Warning" not in stderr
    assert "License-Expression: Apache-2.0" in headers


@pytest.mark.slow
def test_the_wheel_carries_the_modules_the_exporter_runs_on(wheel: tuple[Path, str]) -> None:
    with zipfile.ZipFile(wheel[0]) as archive:
        names = set(archive.namelist())
    needed = {"cli/__init__.py", "cli/flags.py", "cli/metrics.py", "cli/py.typed"}
    assert needed | {"exporter/cli.py", "exporter/server.py"} <= names

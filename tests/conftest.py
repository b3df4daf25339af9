"""Shared fixtures: real services only, never mocks.

A test that needs an optional service or tool (PostgreSQL, promtool, node_exporter, Chromium)
calls :func:`unavailable`; it skips on a developer machine that lacks it, and fails in CI
(``CI=true``), where a missing service is a broken build, not a reason to skip.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

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

"""hostwatch-web listening on an IPv6 address answers requests whose Host is that address."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import httpx
import pytest

from storage import Storage
from tests.conftest import unavailable
from tests.deploy.files import eventually, running


def ipv6_loopback_port() -> int:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            port: int = probe.getsockname()[1]
            return port
    except OSError:
        unavailable("an IPv6 loopback address (::1)")


def answer(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=30)
    except httpx.TransportError:
        return None


@pytest.mark.slow
def test_the_web_app_on_ipv6_loopback_answers_a_bracketed_host_header(tmp_path: Path) -> None:
    base = f"http://[::1]:{ipv6_loopback_port()}"
    command = [f"{Path(sys.executable).parent}/hostwatch-web", "--listen", base[7:]]
    database = f"sqlite:///{tmp_path / 'hostwatch.db'}"
    with Storage.open(database) as store:
        store.upgrade()
    env = {**os.environ, "HOSTWATCH_DATABASE_URL": database}
    with running(command, env, tmp_path):
        health = eventually(lambda: answer(f"{base}/health"), 30, "hostwatch-web did not answer")
        login = httpx.get(f"{base}/login", timeout=30)

    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert login.status_code == 200

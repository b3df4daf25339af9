"""The real hostwatch-web under a 200 MB POST to /login (no login needed): refused with 413,
and its memory stays where it was (it grew from 65 to 849 MB before bodies were bounded)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from storage import Storage
from tests.deploy.files import eventually
from tests.exporter.serving import free_port

pytestmark = pytest.mark.slow
BODY = 200_000_000
CHUNK = b"a" * 65536
HEAD = (
    b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
)


def memory_mb(pid: int, field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of the process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field}")


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    database = f"sqlite:///{tmp_path / 'hostwatch.db'}"
    with Storage.open(database) as store:
        store.upgrade()
    port = free_port()
    command = [sys.executable, "-m", "web", "--listen", f"127.0.0.1:{port}"]
    process = subprocess.Popen([*command, "--database-url", database])
    try:
        eventually(lambda: answer(f"http://127.0.0.1:{port}/health"), 30, "hostwatch-web")
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=20)


def answer(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=10)
    except httpx.TransportError:
        return None


def post(port: int, chunked: bool) -> str:
    """Send a 200 MB body (as far as the server lets it be sent); the answer's status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        length = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % BODY
        sock.sendall(HEAD + length + b"\r\n\r\n")
        piece = b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK) if chunked else CHUNK
        try:
            for _ in range(BODY // len(CHUNK)):
                sock.sendall(piece)
        except ConnectionError:
            pass  # answered and closed before the whole body was sent: as it should
        return sock.recv(65536).split(b"\r\n", 1)[0].decode()


def test_200_mb_login_posts_are_refused_without_the_web_app_growing(
    web: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = web
    before = memory_mb(process.pid, "VmRSS")

    answers = {post(port, chunked=False), post(port, chunked=True)}

    peak = memory_mb(process.pid, "VmHWM")
    print(f"hostwatch-web RSS {before:.1f} MB before, peak {peak:.1f} MB after")
    assert answers == {"HTTP/1.1 413 Request Entity Too Large"}
    assert peak < before + 16

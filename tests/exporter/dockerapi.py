"""A stand-in Docker Engine API on a Unix socket: ``GET /containers/json`` answered in Docker's
JSON shape (the one call the exporter makes), every request recorded."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any


def container(ident: str, name: str, image: str) -> dict[str, Any]:
    """One entry of ``docker ps``'s list, as Docker 24 sends it (the fields a client sees)."""
    return {
        "Id": ident,
        "Names": [f"/{name}"],
        "Image": image,
        "ImageID": "sha256:" + "ab" * 32,
        "Command": "/docker-entrypoint.sh nginx -g 'daemon off;'",
        "Created": 1700000000,
        "Ports": [{"PrivatePort": 80, "Type": "tcp"}],
        "Labels": {"com.docker.compose.service": name},
        "State": "running",
        "Status": "Up 3 hours",
        "HostConfig": {"NetworkMode": "default"},
        "NetworkSettings": {"Networks": {}},
        "Mounts": [],
    }


class DockerAPI:
    """What the stand-in answers (``listed``, or ``status`` and ``body`` when set) and what it
    was asked (``requests``: method and path of each)."""

    def __init__(self) -> None:
        self.listed: list[dict[str, Any]] = []
        self.status = 200
        self.body: bytes | None = None
        self.requests: list[tuple[str, str]] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        api = self.server.api
        api.requests.append(("GET", self.path))
        if self.path.partition("?")[0] != "/containers/json":
            body, status = b'{"message":"page not found"}', 404
        else:
            body = api.body if api.body is not None else json.dumps(api.listed).encode()
            status = api.status
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def address_string(self) -> str:
        return "unix"  # a Unix socket's peer has no address

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads ``requests`` instead."""


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    api: DockerAPI


@contextmanager
def docker_api(path: Path) -> Iterator[DockerAPI]:
    """A stand-in listening on ``path`` until the block ends."""
    server = _Server(str(path), _Handler)
    server.api = DockerAPI()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

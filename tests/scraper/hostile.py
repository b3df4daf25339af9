"""A real HTTP target on 127.0.0.1 that serves whatever body the test sets, changed at will."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from tests.cli.serving import in_background
from tests.scraper.targets import TEXT_0_0_4, TargetServer


class Bodies:
    """The body served on each path; a test changes it between scrapes."""

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.address = ""
        self.requests = 0
        """GETs answered so far: the scrapes the scraper made."""

    def serve(self, path: str, body: bytes | str) -> None:
        with self._lock:
            self._bodies[path] = body.encode() if isinstance(body, str) else body

    def body(self, path: str) -> bytes | None:
        with self._lock:
            self.requests += 1
            return self._bodies.get(path)


def _handler(bodies: Bodies) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = bodies.body(self.path)
            self.send_response(404 if body is None else 200)
            self.send_header("Content-Type", TEXT_0_0_4)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests assert on the scraper's view."""

    return Handler


@contextmanager
def serving() -> Iterator[Bodies]:
    """A running target whose bodies the test sets; ``.address`` is its ``host:port``."""
    bodies = Bodies()
    with in_background(TargetServer(("127.0.0.1", 0), _handler(bodies))) as server:
        bodies.address = f"127.0.0.1:{server.server_address[1]}"
        yield bodies

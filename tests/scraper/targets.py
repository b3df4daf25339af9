"""Real HTTP targets on 127.0.0.1 for scraper tests: good ones and every kind of bad one.

Paths: ``/metrics`` (a small valid body), ``/slow`` (answers after ``SLOW_SECONDS``),
``/status/<code>``, ``/garbage`` (not the exposition format), ``/huge`` (``HUGE_BYTES`` of
valid samples), ``/gzip`` (the small body gzipped), ``/many`` (``MANY`` samples).
"""

from __future__ import annotations

import contextlib
import gzip
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD = b"""# HELP demo_requests_total Requests handled.
# TYPE demo_requests_total counter
demo_requests_total{code="200",path="/"} 1027
demo_requests_total{code="500",path="/"} 3
# HELP demo_temperature_celsius A temperature.
# TYPE demo_temperature_celsius gauge
demo_temperature_celsius 21.5
"""
SLOW_SECONDS = 3.0
HUGE_BYTES = 4 * 2**20
MANY = 5000
TEXT_0_0_4 = "text/plain; version=0.0.4; charset=utf-8"


class TargetHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path == "/metrics":
            self._send(200, GOOD)
        elif self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, GOOD)
        elif self.path.startswith("/status/"):
            self._send(int(self.path.rsplit("/", 1)[1]), b"nope\n")
        elif self.path == "/garbage":
            self._send(200, b"<html>this is { not metrics\n")
        elif self.path == "/huge":
            line = b'filler_bytes{chunk="xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"} 1\n'
            self._send(200, line * (HUGE_BYTES // len(line) + 1))
        elif self.path == "/gzip":
            self._send(200, gzip.compress(GOOD), {"Content-Encoding": "gzip"})
        elif self.path == "/many":
            self._send(200, b"".join(b'many_total{i="%d"} 1\n' % i for i in range(MANY)))
        else:
            self._send(404, b"not found\n")

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", TEXT_0_0_4)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        # The scraper may give up on purpose (timeout, size limit): nothing to tell it then.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests assert on the scraper's view, not the target's access log."""


class TargetServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # The scraper hangs up on purpose (timeouts, size limits); anything else is reported.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def target_server() -> Iterator[str]:
    """A running target server; yields its ``host:port``."""
    with _serving(TargetHandler) as address:
        yield address


@contextmanager
def _serving(handler: type[TargetHandler]) -> Iterator[str]:
    server = TargetServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


Answer = Callable[[str], tuple[int, bytes]]
"""What a changing target answers now to a scraper (its User-Agent): a status and a body."""


@contextmanager
def changing_server(answer: Answer) -> Iterator[str]:
    """A target whose every scrape gets what ``answer`` gives at that moment (staleness
    tests: a body that loses a series, a scrape that fails); yields its ``host:port``."""

    class Changing(TargetHandler):
        def do_GET(self) -> None:
            self._send(*answer(self.headers.get("User-Agent", "")))

    with _serving(Changing) as address:
        yield address

"""A program's ``/metrics`` over HTTP, as Prometheus expects it, and a landing page.

Standard library and prometheus-client only (the exporter installs without the server extra):
a threading server whose scrapes are bounded by a semaphore, like node_exporter's
``--web.max-requests``; one past the bound gets 503 at once instead of piling up threads that
all read /proc. The exporter adds TLS, basic auth and its own text encoder (exporter/server.py);
the scraper adds the remote-write receiver (scraper/remote/server.py).
"""

from __future__ import annotations

import gzip
import html
import logging
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client.exposition import choose_encoder, generate_latest
from prometheus_client.registry import CollectorRegistry

from cli import __version__

log = logging.getLogger(__name__)

CLIENT_TIMEOUT = 30.0
"""Seconds a connection may sit idle (or half-way through a TLS handshake) before it is closed."""

TEXT = "text/plain; charset=utf-8"

LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{program}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>{program}</h1>
<p>Version {version}. {about}</p>
<p><a href="/metrics">Metrics</a></p>
</body></html>
"""


class MetricsServer(ThreadingHTTPServer):
    """Serves one registry; ``max_requests`` concurrent scrapes at most (0: no bound).

    A subclass sets ``tls`` and ``headers``, and overrides :meth:`allow` and :meth:`text`.
    """

    daemon_threads = True
    tls: ssl.SSLContext | None = None
    headers: dict[str, str] = {}
    program = "hostwatch"
    about = "Its own metrics in the Prometheus format."

    def __init__(
        self,
        address: tuple[str, int],
        registry: CollectorRegistry,
        max_requests: int = 40,
        handler: type[MetricsHandler] | None = None,
    ) -> None:
        self.registry = registry
        self.slots = threading.BoundedSemaphore(max_requests) if max_requests else None
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler or MetricsHandler)

    def allow(self, authorization: str | None) -> bool:
        """Whether a request with this ``Authorization`` header may be answered."""
        return True

    def text(self) -> bytes:
        """The registry in the text format 0.0.4, what Prometheus asks for by default."""
        return generate_latest(self.registry)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Handshake TLS here, in the connection's own thread, never in the accept loop."""
        request.settimeout(CLIENT_TIMEOUT)
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            tls_socket = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            log.debug("TLS handshake with %s failed: %s", client_address, error)
            return
        with tls_socket:
            super().finish_request(tls_socket, client_address)

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        scheme = "https" if self.tls else "http"
        shown = f"[{host}]" if ":" in str(host) else host
        return f"{scheme}://{shown}:{port}"


class MetricsHandler(BaseHTTPRequestHandler):
    server: MetricsServer
    protocol_version = "HTTP/1.1"  # keep-alive: Prometheus reuses its connection every scrape
    # Headers and body leave in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (40 ms on Linux) on every keep-alive scrape.
    disable_nagle_algorithm = True
    server_version = f"hostwatch/{__version__}"

    def do_GET(self) -> None:
        if not self.server.allow(self.headers.get("Authorization")):
            challenge = {"WWW-Authenticate": 'Basic realm="hostwatch"'}
            self._send(401, b"Unauthorized\n", TEXT, challenge)
        elif self.path.split("?", 1)[0] == "/metrics":
            self._metrics()
        elif self.path == "/":
            self._send(200, self._landing(), "text/html; charset=utf-8")
        else:
            self._send(404, b"Not Found\n", TEXT)

    def _landing(self) -> bytes:
        server = self.server
        fields = {"program": server.program, "version": __version__, "about": server.about}
        return LANDING.format(**{key: html.escape(value) for key, value in fields.items()}).encode()

    def _metrics(self) -> None:
        slots = self.server.slots
        if slots is not None and not slots.acquire(blocking=False):
            self._send(503, b"Too many concurrent scrapes, try again later.\n", TEXT)
            return
        try:
            encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
            is_text = encoder is generate_latest
            body = self.server.text() if is_text else encoder(self.server.registry)
        # The registry also holds prometheus-client's own collectors, outside the node
        # collector's isolation: whatever they raise must become a 500, not a dead thread.
        except Exception:
            log.exception("serving /metrics failed")
            self._send(500, b"An error occurred while collecting metrics.\n", TEXT)
        else:
            self._send(200, body, content_type)
        finally:
            if slots is not None:
                slots.release()

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        if accepts_gzip(self.headers.get("Accept-Encoding", "")) and len(body) > 256:
            body = gzip.compress(body, compresslevel=1)
            headers = {**(headers or {}), "Content-Encoding": "gzip"}
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**self.server.headers, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (and does not refuse it with ``q=0``)."""
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in {"gzip", "*"}:
            return params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}
    return False

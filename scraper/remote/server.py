"""The scraper's HTTP server: its own /metrics, and POST /api/v1/write when receiving."""

from __future__ import annotations

from prometheus_client.registry import CollectorRegistry

from cli import __version__
from cli.metrics import TEXT, MetricsHandler, MetricsServer
from scraper.remote.receiver import PATH, Receiver


class ScraperServer(MetricsServer):
    """``receiver`` None: remote write is off (``--enable-remote-write-receiver``), POST 404."""

    program = "hostwatch scraper"

    def __init__(
        self, address: tuple[str, int], registry: CollectorRegistry, receiver: Receiver | None
    ) -> None:
        self.receiver = receiver
        super().__init__(address, registry, handler=ScraperHandler)


class ScraperHandler(MetricsHandler):
    server: ScraperServer
    server_version = f"hostwatch-scraper/{__version__}"

    def do_POST(self) -> None:
        receiver = self.server.receiver
        if receiver is None or self.path.split("?", 1)[0] != PATH:
            self.close_connection = True  # the body stays unread
            self._send(404, b"Not Found\n", TEXT)
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, reason = receiver.handle(headers, self.rfile.read)
        if status == 204:
            self.send_response(204)
            self.end_headers()
            return
        # A refusal may leave the body unread: the connection cannot carry another request.
        self.close_connection = True
        self._send(status, f"{reason}\n".encode(), TEXT)

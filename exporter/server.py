"""The exporter's HTTP server: the shared ``/metrics`` server (cli/metrics.py) with the
web-config's TLS, basic auth and headers, and the exporter's own text encoder."""

from __future__ import annotations

from prometheus_client.registry import CollectorRegistry

from cli import __version__
from cli.metrics import MetricsHandler, MetricsServer
from exporter import exposition
from exporter.credentials import Credentials
from exporter.webconfig import WebConfig


class ExporterServer(MetricsServer):
    """Serves the host's registry as ``web`` (the ``--web-config-file``) says."""

    program = "hostwatch exporter"
    about = "Host metrics in the Prometheus format, compatible with node_exporter."

    def __init__(
        self,
        address: tuple[str, int],
        registry: CollectorRegistry,
        web: WebConfig | None = None,
        max_requests: int = 40,
    ) -> None:
        self.web = web or WebConfig()
        self.tls = self.web.tls
        self.headers = self.web.headers
        self.credentials = Credentials(self.web.users)
        super().__init__(address, registry, max_requests, ExporterHandler)

    def allow(self, authorization: str | None) -> bool:
        return self.credentials.allow(authorization)

    def text(self) -> bytes:
        return exposition.text(self.registry)


class ExporterHandler(MetricsHandler):
    server_version = f"hostwatch-exporter/{__version__}"

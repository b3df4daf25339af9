"""Run a real ExporterServer on 127.0.0.1 in a background thread for the duration of a test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client.registry import CollectorRegistry

from exporter.server import ExporterServer
from exporter.webconfig import WebConfig


@contextmanager
def serving(
    registry: CollectorRegistry, web: WebConfig | None = None, max_requests: int = 40
) -> Iterator[ExporterServer]:
    server = ExporterServer(("127.0.0.1", 0), registry, web, max_requests)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port

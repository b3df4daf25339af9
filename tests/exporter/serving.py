"""Run a real ExporterServer on 127.0.0.1 in a background thread for the duration of a test."""

from __future__ import annotations

import socket
from contextlib import AbstractContextManager

from prometheus_client.registry import CollectorRegistry

from exporter.server import ExporterServer
from exporter.webconfig import WebConfig
from tests.cli.serving import in_background


def serving(
    registry: CollectorRegistry, web: WebConfig | None = None, max_requests: int = 40
) -> AbstractContextManager[ExporterServer]:
    return in_background(ExporterServer(("127.0.0.1", 0), registry, web, max_requests))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port

"""The shared /metrics server as the scraper uses it: no TLS, no auth, prometheus-client's text."""

from contextlib import AbstractContextManager

import httpx
import pytest
from prometheus_client import Counter
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import CollectorRegistry

from cli.metrics import MetricsServer, accepts_gzip
from tests.cli.serving import in_background


class ProgramServer(MetricsServer):
    program = "hostwatch test"


def serving(registry: CollectorRegistry) -> AbstractContextManager[MetricsServer]:
    return in_background(ProgramServer(("127.0.0.1", 0), registry))


@pytest.fixture
def registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    Counter("hostwatch_test_events", "Events.", registry=registry).inc(3)
    return registry


def test_metrics_are_prometheus_clients_text_of_the_registry(registry: CollectorRegistry) -> None:
    with serving(registry) as server:
        response = httpx.get(f"{server.url}/metrics")
    assert response.status_code == 200
    assert response.content == generate_latest(registry)


def test_the_landing_page_names_the_program(registry: CollectorRegistry) -> None:
    with serving(registry) as server:
        response = httpx.get(f"{server.url}/")
    assert "<h1>hostwatch test</h1>" in response.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [("gzip", True), ("deflate, gzip;q=0.5", True), ("*", True), ("gzip;q=0", False), ("", False)],
)
def test_accepts_gzip_reads_codings_and_refusals(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected

import gzip
import threading
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry

from exporter.config import ExporterConfig
from exporter.registry import build_registry
from tests.exporter.serving import serving


@pytest.fixture(scope="module")
def registry() -> CollectorRegistry:
    return build_registry(ExporterConfig(collectors=frozenset({"cpu", "meminfo", "loadavg"})))


def test_metrics_default_to_text_format_0_0_4_with_its_exact_content_type(
    registry: CollectorRegistry,
) -> None:
    with serving(registry) as server:
        response = httpx.get(f"{server.url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {"node_cpu_seconds", "node_load1", "process_resident_memory_bytes"} <= names


def test_metrics_are_openmetrics_when_the_accept_header_asks(registry: CollectorRegistry) -> None:
    accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
    with serving(registry) as server:
        response = httpx.get(f"{server.url}/metrics", headers={"Accept": accept})
    assert response.headers["content-type"].startswith(
        "application/openmetrics-text; version=1.0.0"
    )
    assert response.text.endswith("# EOF\n")


def test_metrics_are_gzipped_when_the_client_accepts_gzip(registry: CollectorRegistry) -> None:
    with (
        serving(registry) as server,
        httpx.stream("GET", f"{server.url}/metrics", headers={"Accept-Encoding": "gzip"}) as r,
    ):
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip"
    assert b"node_load1 " in gzip.decompress(raw)


def test_metrics_are_not_compressed_for_a_client_without_gzip(registry: CollectorRegistry) -> None:
    with serving(registry) as server:
        response = httpx.get(f"{server.url}/metrics", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)


def test_landing_page_links_to_metrics(registry: CollectorRegistry) -> None:
    with serving(registry) as server:
        response = httpx.get(f"{server.url}/")
    assert response.status_code == 200
    assert '<a href="/metrics">' in response.text


def test_unknown_path_is_404(registry: CollectorRegistry) -> None:
    with serving(registry) as server:
        assert httpx.get(f"{server.url}/nope").status_code == 404


class Blocking:
    """A collector that holds its scrape open until released, to fill the server's slots."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def collect(self) -> Iterator[Metric]:
        self.entered.set()
        self.release.wait(timeout=10)
        yield GaugeMetricFamily("blocking", "A gauge behind a gate.", value=1.0)


def test_scrapes_beyond_max_requests_get_503_at_once() -> None:
    registry = CollectorRegistry()
    blocking = Blocking()
    registry.register(blocking)
    with serving(registry, max_requests=1) as server:
        first = threading.Thread(target=httpx.get, args=(f"{server.url}/metrics",))
        first.start()
        assert blocking.entered.wait(timeout=5)
        second = httpx.get(f"{server.url}/metrics", timeout=5)
        blocking.release.set()
        first.join(timeout=5)
        third = httpx.get(f"{server.url}/metrics", timeout=5)
    assert second.status_code == 503
    assert third.status_code == 200


class Broken:
    def collect(self) -> Iterator[Metric]:
        raise RuntimeError("broken collector")


def test_a_collector_raising_outside_the_node_collector_gives_500_not_a_dead_connection(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = CollectorRegistry()
    registry.register(Broken())
    with serving(registry) as server:
        response = httpx.get(f"{server.url}/metrics")
    assert response.status_code == 500
    assert "RuntimeError: broken collector" in caplog.text

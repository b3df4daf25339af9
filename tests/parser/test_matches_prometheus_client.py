"""On real bodies and hand-written edge cases, every sample equals prometheus-client's parse."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as client_openmetrics,
)
from prometheus_client.parser import text_string_to_metric_families as client_text

from scraper.parser import parse
from tests.conftest import require_tool
from tests.parser.comparable import Comparable, comparable, comparables

CORPUS = Path(__file__).parent / "corpus"
TEXT_BODIES = ["node_exporter_1.5.0.prom", "client_python.prom", "edge_cases.prom"]
OPENMETRICS_BODIES = ["client_python.om", "edge_cases.om"]


def client_ms(timestamp: Any) -> int | None:
    """prometheus-client gives float seconds, or a Timestamp(sec, nsec) in OpenMetrics."""
    if timestamp is None:
        return None
    if hasattr(timestamp, "nsec"):
        return int(timestamp.sec) * 1000 + int(timestamp.nsec) // 1_000_000
    return round(float(timestamp) * 1000)


def theirs(families: Iterable[Any]) -> list[Comparable]:
    return [
        comparable(s.name, s.labels.items(), s.value, client_ms(s.timestamp))
        for family in families
        for s in family.samples
    ]


@pytest.mark.parametrize("body", TEXT_BODIES)
def test_text_bodies_parse_to_the_same_samples_as_prometheus_client(body: str) -> None:
    text = (CORPUS / body).read_text()

    assert comparables(parse(text).samples) == theirs(client_text(text))


@pytest.mark.parametrize("body", OPENMETRICS_BODIES)
def test_openmetrics_bodies_parse_to_the_same_samples_as_prometheus_client(body: str) -> None:
    text = (CORPUS / body).read_text()

    families = client_openmetrics(text)  # type: ignore[no-untyped-call]

    assert comparables(parse(text, openmetrics=True).samples) == theirs(families)


def test_node_exporter_body_has_a_thousand_lines_of_real_families() -> None:
    parsed = parse((CORPUS / "node_exporter_1.5.0.prom").read_text())

    assert len(parsed.samples) == 507
    assert parsed.metadata["node_cpu_seconds_total"].type == "counter"
    assert parsed.metadata["go_gc_duration_seconds_sum"].type == "summary"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.slow
def test_a_live_node_exporter_body_parses_like_prometheus_client() -> None:
    executable = require_tool("prometheus-node-exporter")
    address = f"127.0.0.1:{free_port()}"
    exporter = subprocess.Popen(
        [executable, f"--web.listen-address={address}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        text = fetch(f"http://{address}/metrics")
    finally:
        exporter.terminate()
        exporter.wait(timeout=10)

    assert comparables(parse(text).samples) == theirs(client_text(text))


def fetch(url: str) -> str:
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body: bytes = response.read()
                return body.decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)

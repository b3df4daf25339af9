"""Rewrites this corpus's prometheus-client bodies: ``python tests/parser/corpus/regenerate.py``.

node_exporter_1.5.0.prom was saved from Debian's prometheus-node-exporter 1.5.0:
``curl -s 127.0.0.1:19199/metrics`` (it serves text 0.0.4 only).
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Enum,
    Gauge,
    Histogram,
    Info,
    Summary,
    generate_latest,
)
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

HERE = Path(__file__).parent


def registry() -> CollectorRegistry:
    """One metric of each type, labels with every escape, and a few special values."""
    reg = CollectorRegistry()
    requests = Counter("http_requests", "Requests.\nBy path.", ["path", "code"], registry=reg)
    requests.labels(path="/", code="200").inc(41)
    requests.labels(path='C:\\dir\\"quoted"', code="500").inc()
    requests.labels(path="line\nbreak", code="404").inc(2.5)
    temperature = Gauge("room_temperature", "Temp \\ back", ["room"], unit="celsius", registry=reg)
    temperature.labels(room="a").set(21.5)
    temperature.labels(room="b").set(float("nan"))
    temperature.labels(room="c").set(float("-inf"))
    latency = Histogram("rpc_latency_seconds", "RPC latency.", ["method"], registry=reg)
    for value in (0.001, 0.02, 0.3, 4.0, 12.0):
        latency.labels(method="get").observe(value)
    sizes = Summary("payload_bytes", "Payload sizes.", registry=reg)
    sizes.observe(1024)
    Info("build", "Build information.", registry=reg).info({"version": "1.2.3", "commit": "abc"})
    Enum("service_state", "State.", states=["up", "down"], registry=reg).state("up")
    return reg


def main() -> None:
    reg = registry()
    (HERE / "client_python.prom").write_bytes(generate_latest(reg))
    (HERE / "client_python.om").write_bytes(generate_openmetrics(reg))  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()

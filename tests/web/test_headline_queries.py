"""The headline figures are PromQL's answers: the same numbers the /prometheus API gives."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

WEB1 = 'instance="web1:9100"'


def promql(client: TestClient, query: str, at: str) -> float:
    body: dict[str, Any] = client.get(
        "/prometheus/api/v1/query", params={"query": query, "time": at}
    ).json()
    (found,) = body["data"]["result"]
    return float(found["value"][1])


def web1(client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/api/v1/servers/web1:9100").json()
    return found


def test_the_headline_cpu_is_the_busy_share_of_prometheus_rate(client: TestClient) -> None:
    server = web1(client)
    query = (
        f'100 * (1 - sum(rate(node_cpu_seconds_total{{{WEB1},mode="idle"}}[5m])) '
        f"/ sum(rate(node_cpu_seconds_total{{{WEB1}}}[5m])))"
    )

    assert server["headline"]["cpu_percent"] == pytest.approx(
        promql(client, query, server["last_seen"]), rel=1e-12
    )


def test_the_headline_memory_and_load_are_the_newest_samples_promql_reads(
    client: TestClient,
) -> None:
    server = web1(client)
    memory = (
        f"100 * (1 - node_memory_MemAvailable_bytes{{{WEB1}}} "
        f"/ node_memory_MemTotal_bytes{{{WEB1}}})"
    )

    assert (server["headline"]["memory_percent"], server["headline"]["load1"]) == (
        pytest.approx(promql(client, memory, server["last_seen"]), rel=1e-12),
        promql(client, f"node_load1{{{WEB1}}}", server["last_seen"]),
    )

"""The calls Grafana's Prometheus data source makes, with a hostwatch API token, answered as
Prometheus answers them: "Save & test" on the data source, then opening Node Exporter Full
(its template variables, a stat panel's instant query, a graph's range query)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.storage.builders import NOW
from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS
from web.app import create_app

API = "/prometheus/api/v1"
NOW_S = NOW // 1000
DAY = {"start": str(NOW_S - 86_400), "end": str(NOW_S)}
ETH0 = 'instance="web1:9100",job="node",device="eth0"'
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def grafana(store: Storage) -> Iterator[tuple[TestClient, str]]:
    """A client of an app with users (so nothing is open) and a viewer's token."""
    add_user(store, "grafana")
    token = bearer(store, "grafana")["Authorization"].removeprefix("Bearer ")
    with TestClient(create_app(store, SETTINGS)) as client:
        yield client, token


def basic(token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"grafana:{token}".encode()).decode()}


@pytest.fixture(params=["bearer", "basic"])
def headers(request: pytest.FixtureRequest, grafana: tuple[TestClient, str]) -> dict[str, str]:
    token = grafana[1]
    return {"Authorization": f"Bearer {token}"} if request.param == "bearer" else basic(token)


def test_save_and_test_reads_buildinfo_then_evaluates_one_plus_one(
    grafana: tuple[TestClient, str], headers: dict[str, str]
) -> None:
    client = grafana[0]
    info = client.get(f"{API}/status/buildinfo", headers=headers)
    check = client.post(
        f"{API}/query", content=f"query=1%2B1&time={NOW_S}", headers={**headers, **FORM}
    )

    assert info.json()["status"] == "success"
    assert check.json() == {
        "status": "success",
        "data": {"resultType": "scalar", "result": [NOW_S, "2"]},
    }


def test_the_dashboards_template_variables_resolve(
    grafana: tuple[TestClient, str], headers: dict[str, str]
) -> None:
    client = grafana[0]

    def values(label: str, selector: str) -> list[str]:
        params = {"match[]": selector, **DAY}
        response = client.get(f"{API}/label/{label}/values", params=params, headers=headers)
        found: list[str] = response.json()["data"]
        return found

    assert values("job", "node_uname_info") == ["node"]
    assert values("nodename", 'node_uname_info{job="node"}') == ["db1", "web1"]
    assert values("instance", 'node_uname_info{job="node", nodename="web1"}') == ["web1:9100"]


def test_a_stat_panel_and_a_graph_panel_get_their_values(
    grafana: tuple[TestClient, str], headers: dict[str, str]
) -> None:
    client = grafana[0]
    form = {**headers, **FORM}
    stat = client.post(
        f"{API}/query",
        data={"query": 'node_load1{instance="web1:9100",job="node"}', "time": str(NOW_S)},
        headers=form,
    )
    graph = client.post(
        f"{API}/query_range",
        data={
            "query": f"rate(node_network_receive_bytes_total{{{ETH0}}}[4m])*8",
            "start": str(NOW_S - 3600),
            "end": str(NOW_S),
            "step": "60",
        },
        headers=form,
    )

    assert stat.json()["data"]["result"][0]["value"] == [NOW_S, "1.5"]
    values = graph.json()["data"]["result"][0]["values"]
    # eth0 receives 1,000 bytes a second: 8,000 bits.
    assert len(values) == 61
    assert {round(float(v), 6) for _, v in values} == {8000.0}


def test_the_query_editor_lists_metrics_labels_and_metadata(
    grafana: tuple[TestClient, str], headers: dict[str, str]
) -> None:
    client = grafana[0]

    names = client.get(f"{API}/label/__name__/values", params=DAY, headers=headers).json()
    labels = client.get(f"{API}/labels", params=DAY, headers=headers).json()
    metadata = client.get(f"{API}/metadata", headers=headers).json()

    assert "node_cpu_seconds_total" in names["data"]
    assert {"__name__", "instance", "job", "mode"} <= set(labels["data"])
    assert metadata["data"]["node_cpu_seconds_total"][0]["type"] == "counter"


def test_without_the_token_grafana_gets_401(grafana: tuple[TestClient, str]) -> None:
    client = grafana[0]

    assert client.post(f"{API}/query", data={"query": "1"}).status_code == 401
    assert (
        client.get(f"{API}/query", params={"query": "1"}, headers=basic("wrong")).status_code == 401
    )

"""The Prometheus HTTP API under /prometheus: its JSON shape, its error codes, its limits.

Values are checked against what the test fleet holds (tests/web/fleet.py); that they equal
Prometheus's on real data is tests/promql's job.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from promql import EngineLimits
from storage import Storage
from tests.storage.builders import NOW
from tests.web.conftest import SETTINGS
from tests.web.serving import serving
from web.app import create_app

API = "/prometheus/api/v1"
WEB1 = 'instance="web1:9100"'
NOW_S = NOW // 1000
Params = dict[str, str | int]


def limited(store: Storage, **limits: Any) -> TestClient:
    settings = dataclasses.replace(SETTINGS, promql=EngineLimits(**limits))
    return TestClient(create_app(store, settings))


def test_an_instant_query_answers_a_vector_in_prometheus_shape(client: TestClient) -> None:
    response = client.get(f"{API}/query", params={"query": f"node_load1{{{WEB1}}}", "time": NOW_S})

    assert response.status_code == 200
    assert response.json() == {
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [
                {
                    "metric": {"__name__": "node_load1", "instance": "web1:9100", "job": "node"},
                    "value": [NOW_S, "1.5"],
                }
            ],
        },
    }


def test_a_range_query_answers_a_matrix_one_point_per_step(client: TestClient) -> None:
    query = f"sum(rate(node_cpu_seconds_total{{{WEB1}}}[5m]))"
    params: Params = {"query": query, "start": NOW_S - 600, "end": NOW_S, "step": "5m"}

    data = client.get(f"{API}/query_range", params=params).json()["data"]

    # Two CPUs, each busy 0.75 + 0.2 + 0.05 + 0 seconds per second in all modes.
    assert data["resultType"] == "matrix"
    assert [(t, round(float(v), 9)) for t, v in data["result"][0]["values"]] == [
        (NOW_S - 600, 2.0),
        (NOW_S - 300, 2.0),
        (NOW_S, 2.0),
    ]


def test_a_query_posted_as_a_form_is_answered_like_a_get(client: TestClient) -> None:
    form = {"query": "1 + 1", "time": str(NOW_S)}

    response = client.post(f"{API}/query", data=form)

    assert response.json()["data"] == {"resultType": "scalar", "result": [NOW_S, "2"]}


def error_of(response: Response) -> tuple[int, str, str]:
    body = response.json()
    assert body["status"] == "error"
    return response.status_code, body["errorType"], body["error"]


def test_a_malformed_query_is_400_bad_data(client: TestClient) -> None:
    status, kind, message = error_of(client.get(f"{API}/query", params={"query": "sum(up"}))

    assert (status, kind) == (400, "bad_data")
    assert "parse error" in message


def test_an_unknown_function_is_400_bad_data_naming_it(client: TestClient) -> None:
    response = client.get(f"{API}/query", params={"query": "frobnicate(node_load1)"})

    assert error_of(response)[:2] == (400, "bad_data")
    assert "frobnicate" in error_of(response)[2]


def test_a_missing_query_is_400_bad_data(client: TestClient) -> None:
    assert error_of(client.get(f"{API}/query"))[:2] == (400, "bad_data")


def test_a_range_of_too_many_steps_is_400_bad_data(client: TestClient) -> None:
    params: Params = {"query": "node_load1", "start": 0, "end": NOW_S, "step": "1"}

    status, kind, message = error_of(client.get(f"{API}/query_range", params=params))

    assert (status, kind) == (400, "bad_data")
    assert "exceeded maximum resolution of 11,000 points" in message


def test_a_query_reading_more_samples_than_the_limit_is_422_execution(seeded: Storage) -> None:
    params: Params = {"query": "node_cpu_seconds_total[1h]", "time": NOW_S}

    with limited(seeded, max_samples=100) as client:
        status, kind, message = error_of(client.get(f"{API}/query", params=params))

    assert (status, kind) == (422, "execution")
    assert "more than 100 samples" in message


def test_a_selector_matching_more_series_than_the_limit_is_422_execution(seeded: Storage) -> None:
    with limited(seeded, max_series=2) as client:
        response = client.get(f"{API}/query", params={"query": "node_cpu_seconds_total"})

    assert error_of(response)[:2] == (422, "execution")


def test_a_query_past_its_timeout_is_503_timeout(seeded: Storage) -> None:
    with limited(seeded, timeout_s=1e-9) as client:
        response = client.get(f"{API}/query", params={"query": "node_load1"})

    assert error_of(response) == (503, "timeout", "query timed out in expression evaluation")


def test_a_catastrophic_regex_is_answered_at_once_as_no_match(client: TestClient) -> None:
    query = 'node_load1{instance=~"(w+)+$"}'

    assert client.get(f"{API}/query", params={"query": query}).json()["data"]["result"] == []


def test_an_invalid_regex_is_400_bad_data(client: TestClient) -> None:
    response = client.get(f"{API}/query", params={"query": 'node_load1{instance=~"("}'})

    assert error_of(response)[:2] == (400, "bad_data")


def test_many_to_many_matching_is_422_execution(client: TestClient) -> None:
    query = "node_cpu_seconds_total + on (instance) node_cpu_seconds_total"

    assert error_of(client.get(f"{API}/query", params={"query": query}))[:2] == (422, "execution")


def test_series_lists_the_label_sets_a_selector_matches(client: TestClient) -> None:
    params = {"match[]": f"node_network_receive_bytes_total{{{WEB1}}}"}

    data = client.get(f"{API}/series", params=params).json()["data"]

    assert sorted(s["device"] for s in data) == ["eth0", "ifb0", "lo"]
    assert {s["__name__"] for s in data} == {"node_network_receive_bytes_total"}


def test_series_without_a_selector_is_400(client: TestClient) -> None:
    assert error_of(client.get(f"{API}/series"))[:2] == (400, "bad_data")


def test_label_values_of_the_metric_name_list_every_metric(client: TestClient) -> None:
    names = client.get(f"{API}/label/__name__/values").json()["data"]

    assert {"node_load1", "node_cpu_seconds_total"} <= set(names)
    assert names == sorted(names)


def test_label_values_follow_the_match_selector(client: TestClient) -> None:
    params = {"match[]": 'node_uname_info{job="node"}'}

    assert client.get(f"{API}/label/instance/values", params=params).json()["data"] == [
        "db1:9100",
        "web1:9100",
    ]


def window(minutes_back: int) -> Params:
    """``start`` and ``end`` of the last ``minutes_back`` minutes, as Grafana sends them."""
    return {"start": NOW_S - minutes_back * 60, "end": NOW_S}


def test_series_lists_only_series_with_samples_between_start_and_end(client: TestClient) -> None:
    def instances(params: Params) -> list[str]:
        data = client.get(f"{API}/series", params={"match[]": "node_load1", **params}).json()
        return sorted(s["instance"] for s in data["data"])

    # db1 has been down for the last 30 minutes: it has no samples in the last ten.
    assert instances(window(10)) == ["web1:9100"]
    assert instances(window(180)) == ["db1:9100", "web1:9100"]
    assert instances({"end": NOW_S - 4 * 3600}) == []


def test_label_values_and_labels_follow_start_and_end(client: TestClient) -> None:
    values = client.get(f"{API}/label/instance/values", params=window(10)).json()["data"]
    names = client.get(f"{API}/labels", params={"start": NOW_S + 3600}).json()["data"]

    assert "db1:9100" not in values
    assert "web1:9100" in values
    assert names == []


def test_an_end_before_start_of_a_series_request_is_400(client: TestClient) -> None:
    params: Params = {"match[]": "node_load1", "start": NOW_S, "end": NOW_S - 60}

    assert error_of(client.get(f"{API}/series", params=params))[:2] == (400, "bad_data")


def test_labels_lists_label_names(client: TestClient) -> None:
    names = client.get(f"{API}/labels", params={"match[]": "node_load1"}).json()["data"]

    assert names == ["__name__", "instance", "job"]


def test_metadata_gives_type_and_help_per_metric(client: TestClient) -> None:
    data = client.get(f"{API}/metadata", params={"metric": "node_load1"}).json()["data"]

    assert data == {"node_load1": [{"type": "gauge", "help": "1m load average.", "unit": ""}]}


def test_buildinfo_names_the_prometheus_api_version(client: TestClient) -> None:
    assert client.get(f"{API}/status/buildinfo").json()["data"]["version"] == "2.42.0"


def test_healthy_answers_without_credentials(client: TestClient) -> None:
    assert client.get("/prometheus/-/healthy").status_code == 200


@pytest.fixture
def served(seeded: Storage) -> Iterator[str]:
    with serving(create_app(seeded, SETTINGS)) as url:
        yield url


def test_the_app_answers_other_requests_while_a_heavy_query_runs(served: str) -> None:
    inner = "quantile_over_time(0.5, node_cpu_seconds_total[10m:1s])"
    heavy: Params = {"query": f"count_over_time(({inner})[1h:1s])", "time": NOW_S}
    finished: list[str] = []

    def run_heavy() -> None:
        httpx.get(f"{served}{API}/query", params=heavy, timeout=120)
        finished.append("heavy")

    worker = threading.Thread(target=run_heavy)
    worker.start()
    health = httpx.get(f"{served}/health", timeout=60)
    finished.append("health")
    worker.join(timeout=120)

    assert health.status_code == 200
    assert finished == ["health", "heavy"]


@pytest.mark.parametrize("at", ["1e30", "-1e12", "-1", "-0.5", "253402300800", "Inf", "NaN"])
def test_an_at_time_out_of_range_is_400_bad_data(client: TestClient, at: str) -> None:
    response = client.get(f"{API}/query", params={"query": f"rate(node_load1[5m] @ {at})"})

    assert error_of(response) == (
        400,
        "bad_data",
        f"timestamp out of bounds for @ modifier: {at} (hostwatch takes times from 1970 to 9999)",
    )


def test_an_at_sign_inside_a_label_value_is_no_at_modifier(client: TestClient) -> None:
    response = client.get(f"{API}/query", params={"query": 'node_load1{job="a @ -1"}'})

    assert response.json() == {"status": "success", "data": {"resultType": "vector", "result": []}}


def test_count_values_into_an_invalid_label_name_is_400(client: TestClient) -> None:
    response = client.get(f"{API}/query", params={"query": 'count_values("a b", node_load1)'})

    assert error_of(response) == (400, "bad_data", "invalid label name 'a b'")

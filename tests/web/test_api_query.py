"""GET /api/v1/query_range: functions, matchers, time formats, steps."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from storage import RangeQuery, RangeResult, Series
from tests.storage.builders import NOW
from web.api import query as api_query

START_S = (NOW - 3_600_000) / 1000  # the default range is the hour before now


def query(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/query_range", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def by_instance(body: dict[str, Any]) -> dict[str, list[list[float]]]:
    return {s["labels"]["instance"]: s["points"] for s in body["series"]}


def test_gauge_average_per_step_defaults_to_the_last_hour(client: TestClient) -> None:
    body = query(client, metric="node_load1", step="30m", **{"match[]": 'instance="web1:9100"'})

    assert (body["start"], body["end"], body["step_s"]) == (
        "2025-06-16T11:00:00Z",
        "2025-06-16T12:00:00Z",
        1800.0,
    )
    assert by_instance(body) == {
        "web1:9100": [[START_S, 1.5], [START_S + 1800, 1.5], [START_S + 3600, 1.5]]
    }


def test_rate_of_a_counter_is_per_second(client: TestClient) -> None:
    body = query(
        client,
        metric="node_network_receive_bytes_total",
        fn="rate",
        step="30m",
        start=str(START_S),
        end="2025-06-16T11:59:59Z",
        **{"match[]": '{instance="web1:9100", device="eth0"}'},
    )

    assert by_instance(body)["web1:9100"] == [
        [START_S, pytest.approx(1000.0)],
        [START_S + 1800, pytest.approx(1000.0)],
    ]


def test_regex_matchers_select_label_values(client: TestClient) -> None:
    body = query(
        client,
        metric="node_cpu_seconds_total",
        step="59m",
        fn="last",
        **{"match[]": ['instance="web1:9100"', 'mode=~"user|system"', 'cpu!="1"']},
    )

    assert sorted(s["labels"]["mode"] for s in body["series"]) == ["system", "user"]


def test_buckets_of_a_down_target_are_absent_not_zero(client: TestClient) -> None:
    body = query(client, metric="node_load1", step="10m", **{"match[]": 'instance="db1:9100"'})

    assert [t for t, _ in by_instance(body)["db1:9100"]] == [START_S, START_S + 600, START_S + 1200]


def test_the_default_step_gives_about_250_points(client: TestClient) -> None:
    body = query(client, metric="node_load1")

    assert body["step_s"] == 15.0


def test_min_max_and_unix_seconds_times(client: TestClient) -> None:
    for fn in ("min", "max", "avg"):
        body = query(client, metric="node_load5", fn=fn, start=START_S, end=START_S + 60, step=120)
        assert by_instance(body)["web1:9100"] == [[START_S, 1.2]]


@pytest.mark.parametrize("pattern", ["D(.*)*X", "(.*.*.*)*X"])
def test_a_catastrophic_regex_answers_at_once(client: TestClient, pattern: str) -> None:
    # With Python's backtracking re the first took 21.9 s and the second hours (#11).
    selector = f'{{pretty_name=~"{pattern}"}}'
    body = query(client, metric="node_os_info", **{"match[]": selector})
    assert body["series"] == []


def test_a_regex_re2_refuses_is_a_bad_parameter(client: TestClient) -> None:
    response = client.get("/api/v1/query_range", params={"metric": "up", "match[]": 'a=~"(?<=x)y"'})
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "match[]: invalid regular expression '(?<=x)y': invalid perl operator: (?<=",
    )


def test_the_body_is_the_json_of_every_point_with_values_not_finite_as_null() -> None:
    wanted = RangeQuery("m", [], NOW, NOW + 3_000, 1_000)
    first = Series(1, "m", (("instance", 'a"b'), ("note", "café")))
    second = Series(2, "m", (("instance", "c"),))
    values = np.array([0.1, math.nan, math.inf, -math.inf, -0.0, 1e-7, 2.5e16, 1 / 3])
    times = NOW + np.arange(values.size, dtype=np.int64) * 1_000 + 500
    result = RangeResult(
        [(first, (times, values)), (second, (times[:1], values[-1:]))], "raw", 1_000
    )

    spelled = json.dumps(
        {
            "metric": "m",
            "fn": "avg",
            "start": "2025-06-16T12:00:00Z",
            "end": "2025-06-16T12:00:03Z",
            "step_s": 1.0,
            "source": "raw",
            "series": [
                {
                    "labels": {"instance": 'a"b', "note": "café"},
                    "points": [
                        [t / 1000, v if math.isfinite(v) else None]
                        for t, v in zip(times.tolist(), values.tolist(), strict=True)
                    ],
                },
                {"labels": {"instance": "c"}, "points": [[times[0] / 1000, 1 / 3]]},
            ],
        },
        ensure_ascii=False,
    )
    assert api_query.body(wanted, result) == spelled.encode()


def test_the_body_of_no_series_has_an_empty_list() -> None:
    wanted = RangeQuery("m", [], NOW, NOW, 1_000)

    body = api_query.body(wanted, RangeResult([], "rollup", 3_600_000))

    assert json.loads(body)["series"] == []


def test_numbers_under_a_ten_thousandth_are_spelled_as_json_dumps_spells_them() -> None:
    # orjson writes 1e-05 as 0.00001 and 3e-09 as 3e-9; json.dumps's spelling is kept.
    values = np.array([1e-05, -3.5e-05, 3e-09, 1e-10, 9.999e-05, 0.0001, 10.00001, 0.0])
    times = NOW + np.arange(values.size, dtype=np.int64) * 1_000

    spelled = json.dumps(
        [[t / 1000, v] for t, v in zip(times.tolist(), values.tolist(), strict=True)]
    )
    assert api_query.points(times, values) == spelled.encode()

"""Bad requests answer 4xx with {"error", "detail"} naming the problem; never a 500."""

from __future__ import annotations

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from storage import Storage
from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS
from web.app import create_app


def error(client: TestClient, url: str, status: int = 400) -> str:
    response = client.get(url)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail"}
    detail: str = body["detail"]
    return detail


def test_unknown_server_is_404(client: TestClient) -> None:
    assert error(client, "/api/v1/servers/nowhere:1", 404) == "no server 'nowhere:1'"


def test_series_of_an_unknown_server_is_404(client: TestClient) -> None:
    assert error(client, "/api/v1/servers/web1:9100/series?job=other", 404) == (
        "no server 'web1:9100' in job 'other'"
    )


def test_unknown_state_names_the_parameter(client: TestClient) -> None:
    assert error(client, "/api/v1/servers?state=sideways") == (
        "state: 'sideways' is not one of up, down, unknown"
    )


def test_a_bad_label_matcher_names_the_parameter(client: TestClient) -> None:
    assert error(client, "/api/v1/servers?match[]=env:prod") == (
        'match[]: expected name="value", name!="value", name=~"regex" or name!~"regex", '
        'got "env:prod"'
    )


def test_label_filter_without_a_colon(client: TestClient) -> None:
    assert error(client, "/api/v1/servers?label=env") == "label: 'env' is not key:value"


def test_limit_out_of_range(client: TestClient) -> None:
    assert error(client, "/api/v1/servers?limit=0") == "limit: 0 is not between 1 and 1000"


def test_forged_cursor(client: TestClient) -> None:
    assert (
        error(client, "/api/v1/servers?cursor=%%%") == "cursor: is not a cursor this API returned"
    )


def test_missing_metric(client: TestClient) -> None:
    assert error(client, "/api/v1/query_range") == "metric: is required"


def test_bad_metric_name(client: TestClient) -> None:
    assert "metric: '1abc' is not a metric name" in error(client, "/api/v1/query_range?metric=1abc")


def test_bad_time(client: TestClient) -> None:
    detail = error(client, "/api/v1/query_range?metric=up&start=yesterday")
    assert detail == "start: 'yesterday' is neither RFC 3339 nor unix seconds"


def test_time_without_zone(client: TestClient) -> None:
    detail = error(client, "/api/v1/query_range?metric=up&end=2025-06-16T12:00:00")
    assert detail == "end: '2025-06-16T12:00:00' has no time zone (add Z or +00:00)"


def test_infinite_time(client: TestClient) -> None:
    detail = error(client, "/api/v1/query_range?metric=up&start=inf")
    assert detail == "start: 'inf' is not a time between 1970 and 9999"


def test_end_before_start(client: TestClient) -> None:
    detail = error(client, "/api/v1/query_range?metric=up&start=200&end=100")
    assert detail == "end: 1970-01-01T00:01:40Z is before start 1970-01-01T00:03:20Z"


def test_step_too_small_for_the_range(client: TestClient) -> None:
    detail = error(client, "/api/v1/query_range?metric=up&start=0&end=86400&step=1")
    assert detail == "step: 1s makes 86401 points; at most 11000"


def test_malformed_step(client: TestClient) -> None:
    detail = error(client, "/api/v1/query_range?metric=up&step=5 minutes")
    assert detail == "step: '5 minutes' is not seconds or a duration like 30s, 5m, 1h"


def test_zero_step(client: TestClient) -> None:
    assert error(client, "/api/v1/query_range?metric=up&step=0s") == "step: '0s' must be positive"


def test_unknown_function(client: TestClient) -> None:
    detail = error(client, "/api/v1/query_range?metric=up&fn=median")
    assert detail == "fn: 'median' is not one of avg, min, max, last, rate"


@pytest.mark.parametrize("matcher", ["mode", 'mode="idle', 'mode=="x"', '{mode="a" cpu="1"}'])
def test_malformed_matcher(client: TestClient, matcher: str) -> None:
    response = client.get("/api/v1/query_range", params={"metric": "up", "match[]": matcher})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("match[]: ")


def test_malformed_regex(client: TestClient) -> None:
    response = client.get("/api/v1/query_range", params={"metric": "up", "match[]": 'a=~"("'})
    assert (response.status_code, response.json()["error"]) == (400, "bad_parameter")
    assert response.json()["detail"].startswith("match[]: invalid regular expression '('")


def test_unknown_api_path_is_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/nothing")
    assert (response.status_code, response.json()["error"]) == (404, "not_found")


def test_post_is_refused_with_405(app_client: TestClient, empty_store: Storage) -> None:
    add_user(empty_store, "root", "admin")
    response = app_client.post("/api/v1/alerts", headers=bearer(empty_store, "root"))
    assert (response.status_code, response.json()["error"]) == (405, "http_error")


def test_an_unreachable_database_is_503_without_the_driver_message() -> None:
    store = Storage.open("postgresql+psycopg2://hostwatch:s3cret@127.0.0.1:1/none")
    with TestClient(create_app(store, SETTINGS)) as client:
        response = client.get("/api/v1/servers")
        health = client.get("/health")

    assert (response.status_code, response.json()) == (
        503,
        {"error": "unavailable", "detail": "the database is unavailable; try again shortly"},
    )
    assert (health.status_code, health.json()["database"]) == (503, "unreachable")
    assert "s3cret" not in response.text + health.text


def test_a_database_without_schema_is_a_500_in_the_json_shape() -> None:
    store = Storage.open("sqlite:///:memory:")
    with TestClient(create_app(store, SETTINGS)) as client:
        response = client.get("/api/v1/servers")

    assert (response.status_code, response.json()["error"]) == (500, "internal")


def test_a_bug_is_a_500_in_the_json_shape_without_internals(seeded: Storage) -> None:
    def broken(request: Request) -> Response:
        raise RuntimeError("secret internals")

    app = create_app(seeded, SETTINGS)
    app.router.routes.append(Route("/api/v1/broken", broken))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/broken")

    assert response.status_code == 500
    assert response.json() == {
        "error": "internal",
        "detail": "the server failed to answer this request",
    }

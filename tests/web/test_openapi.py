"""The OpenAPI document matches the app: every route documented, every path answers, and
random values for the documented parameters never produce a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route
from starlette.testclient import TestClient

from storage import Storage
from tests.web.accounts import add_user
from tests.web.conftest import SETTINGS
from web.api.openapi import DOCUMENT, ERROR
from web.app import create_app

EXAMPLES = {"instance": "web1:9100", "metric": "node_load1", "id": "1", "name": "ops"}
DOCUMENTED = set(DOCUMENT["paths"])
# An endless event stream: test_stream.py reads it from a real server instead.
STREAM = "/api/v1/stream"


def api_routes(store: Storage) -> set[str]:
    app = create_app(store, SETTINGS)
    paths = {r.path for r in app.routes if isinstance(r, Route)}
    return {p.replace(":path}", "}") for p in paths if p.startswith("/api/v1") or p == "/health"}


def test_every_route_is_documented_and_every_documented_path_exists(seeded: Storage) -> None:
    assert api_routes(seeded) == DOCUMENTED


def test_every_documented_path_answers_200_with_required_parameters(client: TestClient) -> None:
    for path, methods in DOCUMENT["paths"].items():
        if path == STREAM or "get" not in methods:  # a POST-only action (a test notification)
            continue
        required = [p for p in methods["get"].get("parameters", []) if p["required"]]
        url = path.format(**EXAMPLES)
        query = {p["name"]: EXAMPLES[p["name"]] for p in required if p["in"] == "query"}
        assert client.get(url, params=query).status_code == 200, path


def test_the_document_is_served_as_json(client: TestClient) -> None:
    assert client.get("/api/v1/openapi.json").json() == DOCUMENT


def test_the_api_page_renders_every_operation(client: TestClient) -> None:
    page = client.get("/api").text

    operations = [(m, path) for path, methods in DOCUMENT["paths"].items() for m in methods]
    assert all(f"<code>{m.upper()} {path}</code>" in page for m, path in operations)


VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["0", "-1", "1e308", "nan", "inf", "30s", "5m", "1750075200", "{", "%", "\x00"]
    ),
    st.sampled_from(['mode="idle"', '{a=~"("}', "2025-06-16T12:00:00Z", "up", "rate", "down"]),
)


def operations() -> list[tuple[str, list[dict[str, Any]]]]:
    paths = DOCUMENT["paths"].items()
    return [
        (path, m["get"].get("parameters", [])) for path, m in paths if path != STREAM and "get" in m
    ]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzzed_parameters_never_cause_a_500(client: TestClient, data: st.DataObject) -> None:
    path, parameters = data.draw(st.sampled_from(operations()))
    values = {p["name"]: data.draw(VALUES) for p in parameters}
    url = path.format(
        **{k: quote(v, safe="") or "x" for k, v in values.items() if f"{{{k}}}" in path}
    )
    query = {p["name"]: values[p["name"]] for p in parameters if p["in"] == "query"}

    response = client.get(url, params=query)

    assert response.status_code < 500 or path == "/health", (url, query, response.text)
    assert response.headers["content-type"].startswith("application/json")


def test_a_bearer_token_or_a_session_is_the_documented_default() -> None:
    schemes = DOCUMENT["components"]["securitySchemes"]

    assert DOCUMENT["security"] == [{"bearer": []}, {"session": []}]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert DOCUMENT["paths"]["/health"]["get"]["security"] == []


def test_a_documented_401_is_what_a_request_without_credentials_gets(
    app_client: TestClient, empty_store: Storage
) -> None:
    add_user(empty_store, "ann")
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            status = app_client.request(method, path.format(**EXAMPLES)).status_code
            assert (status == 401) == ("401" in operation["responses"]), (method, path)


def test_a_documented_401_or_403_has_the_error_shape() -> None:
    answers = [
        answer
        for methods in DOCUMENT["paths"].values()
        for operation in methods.values()
        for status, answer in operation["responses"].items()
        if status in ("401", "403")
    ]

    assert answers
    assert all(a["content"]["application/json"]["schema"] == ERROR for a in answers)

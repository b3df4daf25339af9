"""Every response the OpenAPI document lists has a schema, and real answers of the app, on the
test fleet, validate against the schema the document gives for their path and status."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from starlette.testclient import TestClient

from storage import Storage
from tests.storage.builders import NOW
from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS
from tests.web.fleet import HOSTILE
from web.api.openapi import DOCUMENT
from web.app import create_app

URI = "urn:hostwatch:openapi"
REGISTRY: Registry[Any] = Registry().with_resource(URI, DRAFT202012.create_resource(DOCUMENT))
SILENCE = {
    "matchers": [{"name": "instance", "value": "db1:9100"}],
    "endsAt": "2025-06-16T14:00:00Z",
    "createdBy": "ops",
    "comment": "disk swap",
}


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def validate(path: str, method: str, status: int, body: Any) -> None:
    """Raise ValidationError unless ``body`` fits the documented schema of this answer."""
    where = pointer(
        "paths", path, method, "responses", str(status), "content", "application/json", "schema"
    )
    Draft202012Validator({"$ref": f"{URI}#/{where}"}, registry=REGISTRY).validate(body)


def test_every_response_with_a_body_has_a_schema() -> None:
    missing = [
        (path, method, status, media)
        for path, method, operation in operations()
        for status, response in operation["responses"].items()
        for media, content in response.get("content", {}).items()
        if not content.get("schema")
    ]
    bodiless = [
        (path, method, status)
        for path, method, operation in operations()
        for status, response in operation["responses"].items()
        if status != "304" and not response.get("content")
    ]

    assert (missing, bodiless) == ([], [])


def test_every_schema_of_the_document_is_valid_json_schema_2020_12() -> None:
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


@pytest.fixture
def admin(store: Storage) -> Iterator[TestClient]:
    """A client of the app on the writable fleet, with an admin's token; a viewer exists too."""
    add_user(store, "root", "admin")
    add_user(store, "watcher", "viewer")
    settings = dataclasses.replace(SETTINGS, clock=lambda: NOW)
    with TestClient(create_app(store, settings), headers=bearer(store, "root")) as client:
        yield client


HOSTILE_PATH = f"/api/v1/servers/{quote(HOSTILE, safe=':')}"
# (documented path, method, URL, expected status): every operation, with its errors.
ANSWERS = [
    ("/health", "get", "/health", 200),
    ("/api/v1/servers", "get", "/api/v1/servers", 200),
    ("/api/v1/servers", "get", "/api/v1/servers?headline=true&limit=1", 200),
    ("/api/v1/servers", "get", "/api/v1/servers?state=sideways", 400),
    ("/api/v1/servers/{instance}", "get", "/api/v1/servers/web1:9100", 200),
    ("/api/v1/servers/{instance}", "get", "/api/v1/servers/db1:9100", 200),
    ("/api/v1/servers/{instance}", "get", HOSTILE_PATH, 200),
    ("/api/v1/servers/{instance}", "get", "/api/v1/servers/nowhere:1", 404),
    ("/api/v1/servers/{instance}/series", "get", "/api/v1/servers/web1:9100/series", 200),
    ("/api/v1/query_range", "get", "/api/v1/query_range?metric=node_load1", 200),
    ("/api/v1/query_range", "get", "/api/v1/query_range?metric=node_load1&fn=rate", 200),
    ("/api/v1/query_range", "get", "/api/v1/query_range", 400),
    ("/api/v1/me", "get", "/api/v1/me", 200),
    ("/api/v1/alerts", "get", "/api/v1/alerts", 200),
    ("/api/v1/alerts/history", "get", "/api/v1/alerts/history", 200),
    ("/api/v1/silences", "get", "/api/v1/silences", 200),
    ("/api/v1/silences/{id}", "get", "/api/v1/silences/999", 404),
    ("/api/v1/openapi.json", "get", "/api/v1/openapi.json", 200),
    ("/api/v1/rules", "get", "/api/v1/rules", 200),
    ("/api/v1/receivers", "get", "/api/v1/receivers", 200),
    ("/api/v1/rules", "post", "/api/v1/rules", 400),  # no body: not a JSON object
    ("/api/v1/rules/{name}", "patch", "/api/v1/rules/Nowhere", 404),
    ("/api/v1/receivers/{name}", "delete", "/api/v1/receivers/nobody", 404),
]


@pytest.mark.parametrize(("path", "method", "url", "status"), ANSWERS)
def test_a_real_answer_fits_its_documented_schema(
    admin: TestClient, path: str, method: str, url: str, status: int
) -> None:
    response = admin.request(method.upper(), url)

    assert response.status_code == status
    validate(path, method, status, response.json())


def test_creating_reading_and_expiring_a_silence_fit_their_schemas(admin: TestClient) -> None:
    created = admin.post("/api/v1/silences", json=SILENCE)
    one = admin.get(f"/api/v1/silences/{created.json()['silenceID']}")
    listed = admin.get("/api/v1/silences")
    expired = admin.delete(f"/api/v1/silences/{created.json()['silenceID']}")

    assert [r.status_code for r in (created, one, listed, expired)] == [201, 200, 200, 200]
    validate("/api/v1/silences", "post", 201, created.json())
    validate("/api/v1/silences/{id}", "get", 200, one.json())
    validate("/api/v1/silences", "get", 200, listed.json())
    validate("/api/v1/silences/{id}", "delete", 200, expired.json())


def test_refusals_fit_the_error_schema(admin: TestClient, store: Storage) -> None:
    nobody = admin.get("/api/v1/servers", headers={"Authorization": "Bearer forged"})
    viewer = admin.post("/api/v1/silences", json=SILENCE, headers=bearer(store, "watcher"))

    assert (nobody.status_code, viewer.status_code) == (401, 403)
    validate("/api/v1/servers", "get", 401, nobody.json())
    validate("/api/v1/silences", "post", 403, viewer.json())


def test_a_field_the_schema_does_not_list_fails_validation(admin: TestClient) -> None:
    body = admin.get("/api/v1/servers").json()
    body["servers"][0]["health_for_s"] = 1800.0  # an age, which the API no longer sends

    with pytest.raises(Exception, match="Additional properties are not allowed"):
        validate("/api/v1/servers", "get", 200, body)

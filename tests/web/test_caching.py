"""ETag, If-None-Match and Cache-Control on API answers and pages."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.storage.builders import NOW
from tests.web.conftest import SETTINGS
from web.app import create_app


def test_an_api_answer_carries_the_hash_of_its_body_as_etag(client: TestClient) -> None:
    response = client.get("/api/v1/servers")

    assert response.headers["etag"] == f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    assert response.headers["cache-control"] == "private, max-age=5"


def test_a_current_etag_gets_304_with_no_body(client: TestClient) -> None:
    etag = client.get("/api/v1/servers/web1:9100").headers["etag"]

    response = client.get("/api/v1/servers/web1:9100", headers={"If-None-Match": f"W/{etag}"})

    assert (response.status_code, response.content, response.headers["etag"]) == (304, b"", etag)


def test_a_stale_etag_gets_the_full_answer(client: TestClient) -> None:
    response = client.get("/api/v1/servers", headers={"If-None-Match": '"stale", "older"'})

    assert response.status_code == 200
    assert response.json()["total"] == 3


def test_pages_revalidate_every_time(client: TestClient) -> None:
    response = client.get("/")

    assert response.headers["cache-control"] == "private, no-cache"
    assert client.get("/", headers={"If-None-Match": response.headers["etag"]}).status_code == 304


def test_errors_are_never_cached(client: TestClient) -> None:
    response = client.get("/api/v1/servers/nowhere:1")

    assert (response.headers["cache-control"], "etag" in response.headers) == ("no-store", False)


@pytest.mark.parametrize("path", ["/api/v1/servers", "/api/v1/servers/web1:9100"])
def test_the_etag_covers_the_data_not_the_clock(seeded: Storage, path: str) -> None:
    seconds = itertools.count()
    ticking = dataclasses.replace(SETTINGS, clock=lambda: NOW + 1000 * next(seconds))
    with TestClient(create_app(seeded, ticking)) as client:
        etag = client.get(path).headers["etag"]

        again = client.get(path, headers={"If-None-Match": etag})

    assert again.status_code == 304

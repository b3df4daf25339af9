"""POST /api/v1/servers, PATCH and DELETE /api/v1/servers/{address}: servers registered at run
time, checked field by field, refused when a file already scrapes them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from storage import ScrapeRecord, Storage, TargetSource
from tests.storage.builders import NOW
from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS
from tests.web.test_openapi_schemas import validate
from web.app import create_app

NEW = {
    "address": "10.0.0.7:9100",
    "job": "node",
    "labels": {"env": "prod"},
    "scheme": "http",
    "scrape_interval": "30s",
}
FILED = TargetSource("0/1", "node", "10.0.0.5:9100", "10.0.0.5:9100", "targets.yml", "/etc/t.yml")


@pytest.fixture
def admin(empty_store: Storage) -> Iterator[TestClient]:
    add_user(empty_store, "root", "admin")
    add_user(empty_store, "watcher", "viewer")
    headers = bearer(empty_store, "root")
    with TestClient(create_app(empty_store, SETTINGS), headers=headers) as client:
        yield client


def refusal(client: TestClient, body: Any) -> tuple[int, str, str]:
    answer = client.post("/api/v1/servers", json=body)
    return answer.status_code, answer.json()["error"], answer.json()["detail"]


def test_a_posted_server_is_registered_and_answered_with_201(
    admin: TestClient, empty_store: Storage
) -> None:
    answer = admin.post("/api/v1/servers", json=NEW)

    assert answer.status_code == 201
    assert answer.json() == {
        **NEW,
        "scrape_interval": "30s",
        "paused": False,
        "source": "api",
        "created": "2025-06-16T12:00:00Z",
        "updated": "2025-06-16T12:00:00Z",
    }
    assert [s.address for s in empty_store.registered_servers()] == ["10.0.0.7:9100"]
    validate("/api/v1/servers", "post", 201, answer.json())


def test_only_the_address_is_required(admin: TestClient) -> None:
    answer = admin.post("/api/v1/servers", json={"address": "[::1]:9100"}).json()

    assert (answer["job"], answer["scheme"], answer["scrape_interval"]) == ("node", "http", "120s")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {"address": "web1"},
            'address: expected host:port like 10.0.0.5:9100 or [::1]:9100, got "web1"',
        ),
        ({"address": "web1:70000"}, 'address: port must be 1-65535, got "web1:70000"'),
        ({**NEW, "labels": {"1st": "x"}}, 'labels: invalid label name "1st"'),
        ({**NEW, "labels": {"__x": "y"}}, 'labels: label name "__x" is reserved'),
        ({**NEW, "labels": {"instance": "y"}}, "labels: instance is set by the server's job"),
        ({**NEW, "scrape_interval": "500ms"}, "scrape_interval: 500ms is outside 1s to 3600s"),
        ({**NEW, "scrape_interval": "2d"}, "scrape_interval: 2d is outside 1s to 3600s"),
        ({**NEW, "scheme": "ftp"}, "scheme: 'ftp' is not one of http, https"),
        ({**NEW, "hostname": "web7"}, "hostname: is not a field here"),
        (["10.0.0.7:9100"], "body: expected a JSON object"),
    ],
)
def test_an_invalid_server_is_refused_with_400_naming_the_field(
    admin: TestClient, body: Any, detail: str
) -> None:
    status, error, said = refusal(admin, body)

    assert (status, error) == (400, "bad_parameter")
    assert said.startswith(detail)


def test_an_address_a_file_scrapes_is_refused_with_409_naming_the_file(
    admin: TestClient, empty_store: Storage
) -> None:
    empty_store.report_sources("0/1", [FILED])

    assert refusal(admin, {"address": "10.0.0.5:9100"}) == (
        409,
        "conflict",
        "10.0.0.5:9100 is already scraped by job node from /etc/t.yml (targets.yml); "
        "edit that file instead",
    )


def test_registering_an_address_twice_is_refused_with_409(admin: TestClient) -> None:
    admin.post("/api/v1/servers", json=NEW)

    assert refusal(admin, {**NEW, "job": "other"}) == (
        409,
        "conflict",
        "10.0.0.7:9100 is already registered",
    )


def test_a_patch_changes_labels_interval_and_paused_only(
    admin: TestClient, empty_store: Storage
) -> None:
    admin.post("/api/v1/servers", json=NEW)
    change = {"labels": {"rack": "r4"}, "scrape_interval": "5m", "paused": True}

    answer = admin.patch("/api/v1/servers/10.0.0.7:9100", json=change)

    assert answer.status_code == 200
    assert {key: answer.json()[key] for key in ("labels", "scrape_interval", "paused")} == {
        "labels": {"rack": "r4"},
        "scrape_interval": "300s",
        "paused": True,
    }
    (stored,) = empty_store.registered_servers()
    assert (stored.job, stored.labels, stored.paused) == ("node", (("rack", "r4"),), True)
    validate("/api/v1/servers/{instance}", "patch", 200, answer.json())


def test_a_patch_may_not_move_the_server(admin: TestClient) -> None:
    admin.post("/api/v1/servers", json=NEW)

    answer = admin.patch("/api/v1/servers/10.0.0.7:9100", json={"job": "other"})

    assert (answer.status_code, answer.json()["detail"]) == (
        400,
        "job: is not a field here; expected labels, paused, scrape_interval",
    )


def test_a_deleted_server_is_gone_and_a_second_delete_is_404(
    admin: TestClient, empty_store: Storage
) -> None:
    admin.post("/api/v1/servers", json=NEW)

    removed = admin.delete("/api/v1/servers/10.0.0.7:9100")
    again = admin.delete("/api/v1/servers/10.0.0.7:9100")

    assert (removed.status_code, removed.json()["address"]) == (200, "10.0.0.7:9100")
    assert (again.status_code, again.json()["error"]) == (404, "not_found")
    assert empty_store.registered_servers() == []
    validate("/api/v1/servers/{instance}", "delete", 200, removed.json())


def test_a_server_a_file_lists_cannot_be_patched_or_deleted(admin: TestClient) -> None:
    answer = admin.patch("/api/v1/servers/10.0.0.5:9100", json={"paused": True})

    assert (answer.status_code, answer.json()["detail"]) == (
        404,
        "no server 10.0.0.5:9100 registered through the API (files list the others)",
    )


def test_a_viewer_may_not_register_a_server(admin: TestClient, empty_store: Storage) -> None:
    answer = admin.post("/api/v1/servers", json=NEW, headers=bearer(empty_store, "watcher"))

    assert answer.status_code == 403
    assert empty_store.registered_servers() == []


def test_the_servers_list_shows_each_targets_source_and_paused(
    admin: TestClient, empty_store: Storage
) -> None:
    admin.post("/api/v1/servers", json={**NEW, "paused": True})
    empty_store.report_sources("0/1", [FILED])
    for address in ("10.0.0.5:9100", "10.0.0.7:9100"):
        labels = (("instance", address), ("job", "node"))
        empty_store.write([ScrapeRecord("node", address, labels, NOW, 0.01, None)])

    listed = admin.get("/api/v1/servers").json()

    shown = {s["instance"]: (s["source"], s["paused"]) for s in listed["servers"]}
    assert shown == {"10.0.0.5:9100": ("targets.yml", False), "10.0.0.7:9100": ("api", True)}
    validate("/api/v1/servers", "get", 200, listed)

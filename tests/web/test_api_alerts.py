"""GET /api/v1/alerts, /api/v1/alerts/history and the silences API over the seeded fleet;
the tests that create or expire silences open a database of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.accounts import add_user, bearer
from tests.web.conftest import SETTINGS, fresh_url, open_seeded
from web.app import create_app

SILENCE_DB1 = {
    "matchers": [{"name": "instance", "value": "db1:9100", "isRegex": False, "isEqual": True}],
    "startsAt": "2025-06-16T12:00:00Z",
    "endsAt": "2025-06-16T14:00:00Z",
    "createdBy": "ops",
    "comment": "replacing its disk",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def writable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """An admin's API token: silences are changes."""
    store = open_seeded(fresh_url(request.param, request, tmp_path))
    add_user(store, "root", "admin")
    with TestClient(create_app(store, SETTINGS), headers=bearer(store, "root")) as test_client:
        yield test_client
    store.close()


def states(client: TestClient, query: str = "") -> list[tuple[str, str, str]]:
    body = client.get(f"/api/v1/alerts{query}").json()
    return [(a["alertname"], a["labels"]["instance"], a["state"]) for a in body["alerts"]]


def test_alerts_list_firing_first_then_silenced_pending_and_resolved(client: TestClient) -> None:
    assert [(name, state) for name, _, state in states(client)] == [
        ("TargetDown", "firing"),
        ("FilesystemFull", "silenced"),
        ("ProbeSlow", "pending"),
        ("TargetDown", "resolved"),
    ]


def test_an_alert_carries_labels_annotations_times_and_its_silences(client: TestClient) -> None:
    silenced = client.get("/api/v1/alerts?state=silenced").json()["alerts"][0]
    assert silenced == {
        "fingerprint": silenced["fingerprint"],
        "alertname": "FilesystemFull",
        "state": "silenced",
        "labels": {
            "alertname": "FilesystemFull",
            "instance": "web1:9100",
            "job": "node",
            "mountpoint": "/boot",
        },
        "annotations": {"summary": "FilesystemFull on web1:9100"},
        "value": 0.0,
        "active_since": "2025-06-16T11:00:00Z",
        "fired_at": "2025-06-16T11:00:00Z",
        "resolved_at": None,
        "silenced_by": [1],
    }


def test_alerts_filter_by_state_and_instance(client: TestClient) -> None:
    assert states(client, "?state=firing&instance=db1:9100") == [
        ("TargetDown", "db1:9100", "firing")
    ]
    assert states(client, "?instance=nowhere:1") == []


def test_an_unknown_state_is_a_bad_parameter(client: TestClient) -> None:
    response = client.get("/api/v1/alerts?state=burning")
    assert (response.status_code, response.json()["error"]) == (400, "bad_parameter")


def test_alerts_paginate_with_a_cursor_until_next_is_null(client: TestClient) -> None:
    seen, url = [], "/api/v1/alerts?limit=3"
    for _ in range(5):
        body = client.get(url).json()
        seen += [a["fingerprint"] for a in body["alerts"]]
        if body["links"]["next"] is None:
            break
        url = body["links"]["next"]
    assert (len(seen), len(set(seen))) == (4, 4)


def test_history_lists_transitions_newest_first(client: TestClient) -> None:
    history = client.get("/api/v1/alerts/history").json()["history"]
    assert [(h["alertname"], h["labels"]["instance"], h["state"], h["time"]) for h in history] == [
        ("TargetDown", "db1:9100", "firing", "2025-06-16T11:30:00Z"),
        ("FilesystemFull", "web1:9100", "firing", "2025-06-16T11:00:00Z"),
        ("TargetDown", "web1:9100", "resolved", "2025-06-16T10:10:00Z"),
        ("TargetDown", "web1:9100", "firing", "2025-06-16T10:00:00Z"),
    ]


def test_history_filters_and_paginates(client: TestClient) -> None:
    first = client.get("/api/v1/alerts/history?instance=web1:9100&limit=2").json()
    second = client.get(first["links"]["next"]).json()
    assert (first["total"], len(first["history"]), second["history"][0]["state"]) == (
        3,
        2,
        "firing",
    )
    assert second["links"]["next"] is None


def test_silences_are_listed_in_alertmanagers_shape(client: TestClient) -> None:
    assert client.get("/api/v1/silences").json()["silences"] == [
        {
            "id": 1,
            "matchers": [
                {"name": "mountpoint", "value": "/boot", "isRegex": False, "isEqual": True}
            ],
            "startsAt": "2025-06-16T11:00:00Z",
            "endsAt": "2025-06-16T13:00:00Z",
            "createdBy": "ops",
            "comment": "<b>resize</b>",
            "status": {"state": "active"},
        }
    ]


def test_a_created_silence_mutes_the_alerts_it_matches(writable: TestClient) -> None:
    response = writable.post("/api/v1/silences", json=SILENCE_DB1)
    assert (response.status_code, response.json()["silenceID"]) == (201, 2)
    assert states(writable, "?instance=db1:9100") == [("TargetDown", "db1:9100", "silenced")]


def test_expiring_a_silence_lets_its_alerts_fire_again(writable: TestClient) -> None:
    created = writable.post("/api/v1/silences", json=SILENCE_DB1).json()["silenceID"]
    expired = writable.delete(f"/api/v1/silences/{created}")
    assert (expired.status_code, expired.json()["status"]) == (200, {"state": "expired"})
    assert states(writable, "?instance=db1:9100") == [("TargetDown", "db1:9100", "firing")]


def test_expiring_an_unknown_silence_is_404(writable: TestClient) -> None:
    assert writable.delete("/api/v1/silences/999").status_code == 404


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"matchers": []}, "matchers: expected a list of 1 to 20 matchers"),
        ({"endsAt": "2025-06-16T11:00:00Z"}, "endsAt: must be after startsAt and in the future"),
        ({"createdBy": " "}, "createdBy: is required: who made the silence"),
        ({"endsAt": "tomorrow"}, "endsAt: 'tomorrow' is neither RFC 3339 nor unix seconds"),
        (
            {"matchers": [{"name": "__x", "value": "1"}]},
            'matchers: label name "__x" is reserved (names starting with __ are for internal use)',
        ),
        (
            {"matchers": [{"name": "a", "value": "(", "isRegex": True}]},
            "matchers: invalid regular expression '(': missing )",
        ),
    ],
)
def test_an_invalid_silence_is_refused_naming_the_field(
    writable: TestClient, change: dict[str, Any], detail: str
) -> None:
    response = writable.post("/api/v1/silences", json={**SILENCE_DB1, **change})
    assert (response.status_code, response.json()["detail"]) == (400, detail)


def test_a_body_that_is_not_json_is_refused(writable: TestClient) -> None:
    response = writable.post("/api/v1/silences", content=b"{nope")
    assert (response.status_code, response.json()["detail"]) == (400, "body: is not JSON")


def test_a_silence_starting_in_the_past_starts_now(writable: TestClient) -> None:
    early = {**SILENCE_DB1, "startsAt": "2025-06-16T10:00:00Z"}
    created = writable.post("/api/v1/silences", json=early).json()["silence"]
    assert created["startsAt"] == "2025-06-16T12:00:00Z"  # the fleet's clock reads 12:00

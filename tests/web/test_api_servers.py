"""GET /api/v1/servers and /api/v1/servers/{instance}[/series] over the seeded fleet."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from tests.web.fleet import HOSTILE, HOSTILE_LABELS


def instances(client: TestClient, query: str = "") -> list[str]:
    body = client.get(f"/api/v1/servers{query}").json()
    return [server["instance"] for server in body["servers"]]


def test_servers_lists_every_target_sorted_by_job_then_instance(client: TestClient) -> None:
    assert instances(client) == ["db1:9100", "web1:9100", HOSTILE]


def test_a_down_server_carries_its_reason_and_since_when(client: TestClient) -> None:
    (db1,) = client.get("/api/v1/servers?state=down").json()["servers"]

    assert (db1["instance"], db1["health"], db1["last_error"]) == (
        "db1:9100",
        "down",
        "connection refused",
    )
    assert db1["health_since"] == "2025-06-16T11:30:00Z"
    assert (db1["last_seen"], db1["consecutive_failures"]) == ("2025-06-16T11:29:00Z", 31)


def test_servers_filter_by_job(client: TestClient) -> None:
    assert instances(client, "?job=probe") == [HOSTILE]


def test_servers_filter_by_label_matchers_as_query_range_does(client: TestClient) -> None:
    assert instances(client, '?match[]=env="prod"&state=up') == ["web1:9100"]


def test_servers_filter_by_a_regex_and_a_negative_matcher_in_one_selector(
    client: TestClient,
) -> None:
    query = urlencode({"match[]": '{instance=~"(web|db)1:.*", job!="probe"}'})

    assert instances(client, f"?{query}") == ["db1:9100", "web1:9100"]


def test_every_match_must_hold(client: TestClient) -> None:
    query = urlencode({"match[]": ['env="prod"', 'instance="db1:9100"']}, doseq=True)

    assert instances(client, f"?{query}") == ["db1:9100"]


def test_a_label_value_full_of_quotes_is_matched_exactly(client: TestClient) -> None:
    (note,) = (value for key, value in HOSTILE_LABELS if key == "note")
    query = urlencode({"match[]": f"note={json.dumps(note)}"})

    assert instances(client, f"?{query}") == [HOSTILE]


def test_the_deprecated_label_key_value_filter_still_works(client: TestClient) -> None:
    assert instances(client, "?label=env:prod&state=up") == ["web1:9100"]


def test_servers_paginate_with_a_cursor_until_next_is_null(client: TestClient) -> None:
    first = client.get("/api/v1/servers?limit=2").json()
    second = client.get(first["links"]["next"]).json()

    assert [s["instance"] for s in first["servers"]] == ["db1:9100", "web1:9100"]
    assert [s["instance"] for s in second["servers"]] == [HOSTILE]
    assert (first["total"], second["links"]["next"]) == (3, None)


def test_server_detail_has_the_headline_figures(client: TestClient) -> None:
    headline = client.get("/api/v1/servers/web1:9100").json()["headline"]

    assert headline["cpu_percent"] == pytest.approx(25.0)
    assert headline["memory_percent"] == pytest.approx(75.0)
    assert headline["fullest_filesystem_percent"] == pytest.approx(90.0)
    assert headline["fullest_mountpoint"] == "/boot"
    assert (headline["load1"], headline["uptime_s"]) == (1.5, 3 * 86_400)


def test_servers_carry_the_overviews_headline_figures_when_asked(client: TestClient) -> None:
    servers = client.get("/api/v1/servers?headline=true").json()["servers"]
    figures = {server["instance"]: server["headline"] for server in servers}

    assert figures["web1:9100"]["cpu_percent"] == pytest.approx(25.0)
    assert figures["web1:9100"]["fullest_mountpoint"] == "/boot"
    assert figures["db1:9100"]["cpu_percent"] is None  # down: nothing in the last five minutes
    assert figures[HOSTILE] == dict.fromkeys(figures[HOSTILE], None)


def test_servers_carry_no_headline_figures_unless_asked(client: TestClient) -> None:
    (server, *_) = client.get("/api/v1/servers").json()["servers"]

    assert "headline" not in server


def test_a_down_server_keeps_its_last_known_figures(client: TestClient) -> None:
    headline = client.get("/api/v1/servers/db1:9100").json()["headline"]

    assert headline["memory_percent"] == pytest.approx(75.0)


def test_server_detail_names_the_host_os_and_kernel(client: TestClient) -> None:
    identity = client.get("/api/v1/servers/web1:9100?job=node").json()["identity"]

    assert identity == {
        "hostname": "web1",
        "kernel": "6.1.0-18-amd64",
        "architecture": "x86_64",
        "os": "Debian GNU/Linux 12 (bookworm)",
    }


def test_server_detail_lists_the_outage_in_its_history(client: TestClient) -> None:
    history = client.get("/api/v1/servers/web1:9100").json()["history"]

    assert history == [
        {"time": "2025-06-16T09:00:00Z", "health": "up", "reason": None},
        {"time": "2025-06-16T10:00:00Z", "health": "down", "reason": "context deadline exceeded"},
        {"time": "2025-06-16T10:10:00Z", "health": "up", "reason": None},
    ]


def test_a_non_node_target_has_no_headline_figures(client: TestClient) -> None:
    body = client.get(f"/api/v1/servers/{HOSTILE}").json()

    assert body["labels"]["city"] == "Zürich ☃ ﷽"
    assert set(body["headline"].values()) == {None}


def test_series_of_a_server_are_sorted_by_name_with_their_type(client: TestClient) -> None:
    series = client.get("/api/v1/servers/web1:9100/series?search=node_cpu_seconds").json()

    assert series["total"] == 8
    assert {s["name"] for s in series["series"]} == {"node_cpu_seconds_total"}
    assert series["series"][0]["type"] == "counter"
    assert series["series"][0]["labels"] == {
        "cpu": "0",
        "instance": "web1:9100",
        "job": "node",
        "mode": "idle",
    }


def test_series_search_matches_label_values_case_insensitively(client: TestClient) -> None:
    series = client.get("/api/v1/servers/web1:9100/series?search=MOUNTPOINT=/BOOT").json()

    assert sorted(s["name"] for s in series["series"]) == [
        "node_filesystem_avail_bytes",
        "node_filesystem_size_bytes",
    ]


def test_series_pages_cover_every_series_once(client: TestClient) -> None:
    seen, url = [], "/api/v1/servers/web1:9100/series?limit=7"
    while url:
        page = client.get(url).json()
        seen += [s["id"] for s in page["series"]]
        url = page["links"]["next"]

    assert (
        len(seen)
        == len(set(seen))
        == client.get(url or "/api/v1/servers/web1:9100/series").json()["total"]
    )


def test_health_reports_the_database_reachable(client: TestClient) -> None:
    response = client.get("/health")

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "reachable"},
    )

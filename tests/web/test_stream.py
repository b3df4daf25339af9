"""GET /api/v1/stream against a real uvicorn: a new scrape and a health change are pushed."""

from __future__ import annotations

import dataclasses
import itertools
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from storage import Storage
from tests.storage.builders import NOW, SCRAPER
from tests.web.accounts import PASSWORD, ROUNDS, add_user, bearer
from tests.web.conftest import SETTINGS
from tests.web.fleet import HOSTILE, MINUTE, scrape
from tests.web.serving import serving
from web.app import create_app
from web.auth import passwords

pytestmark = pytest.mark.slow
FAST = dataclasses.replace(SETTINGS, stream_interval_s=0.1)


def events(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    kind = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield kind, json.loads(line.removeprefix("data: "))


def test_a_failed_scrape_is_pushed_as_a_health_change(store: Storage) -> None:
    later = threading.Timer(0.5, store.write, [[scrape("web1:9100", NOW + MINUTE, "disk on fire")]])
    with serving(create_app(store, FAST)) as url, httpx.Client(timeout=10) as client:
        query = {"server": "web1:9100", "metric": "node_load1"}
        with client.stream("GET", f"{url}/api/v1/stream", params=query) as response:
            later.start()
            kind, body = next(events(response))

    assert response.headers["content-type"].startswith("text/event-stream")
    assert (kind, body["instance"], body["health"], body["last_error"]) == (
        "health",
        "web1:9100",
        "down",
        "disk on fire",
    )


def test_a_new_scrape_is_pushed_with_the_requested_metric(store: Storage) -> None:
    later = threading.Timer(0.5, store.write, [[scrape("web1:9100", NOW + MINUTE)]])
    with serving(create_app(store, FAST)) as url, httpx.Client(timeout=10) as client:
        query = {"server": "web1:9100", "metric": "node_load1"}
        with client.stream("GET", f"{url}/api/v1/stream", params=query) as response:
            later.start()
            kind, body = next(events(response))

    assert (kind, body["last_scrape"], body["health"]) == ("scrape", "2025-06-16T12:01:00Z", "up")
    assert body["samples"] == [
        {"name": "node_load1", "labels": {"instance": "web1:9100", "job": "node"}, "value": 1.5}
    ]


def test_a_bad_metric_filter_is_a_json_400(store: Storage) -> None:
    with serving(create_app(store, FAST)) as url:
        response = httpx.get(f"{url}/api/v1/stream?metric=no-such", timeout=10)

    assert (response.status_code, response.json()["error"]) == (400, "bad_parameter")


def test_an_alert_changing_state_is_pushed_with_the_firing_count(store: Storage) -> None:
    (firing,) = [a for a in store.alerts() if a.state == "firing" and a.instance == "db1:9100"]
    resolved = dataclasses.replace(firing, state="resolved", resolved_ms=NOW + MINUTE)
    later = threading.Timer(0.5, store.save_alerts, [[resolved], [], []])
    with (
        serving(create_app(store, FAST)) as url,
        httpx.Client(timeout=10) as client,
        client.stream("GET", f"{url}/api/v1/stream") as response,
    ):
        later.start()
        kind, body = next(events(response))

    assert (kind, body) == ("alerts", {"firing": 1, "alerts": 4})


def read_to_the_end(response: httpx.Response, seconds: float = 10) -> list[str]:
    """Every line until the server ends the stream; fails if it still runs after ``seconds``
    (FAST streams send a keep-alive every 0.1 s, so each read returns in time to notice)."""
    deadline, lines = time.monotonic() + seconds, []
    for line in response.iter_lines():
        lines.append(line)
        if time.monotonic() > deadline:
            raise AssertionError(f"the stream is still open after {seconds} s")
    return lines


def test_an_anonymous_stream_ends_once_a_first_user_makes_login_mandatory(
    store: Storage,
) -> None:
    later = threading.Timer(0.3, add_user, [store, "ann", "admin"])
    with (
        serving(create_app(store, FAST)) as url,
        httpx.Client(timeout=10) as client,
        client.stream("GET", f"{url}/api/v1/stream") as response,
    ):
        later.start()
        lines = read_to_the_end(response)
        refused = client.get(f"{url}/api/v1/stream")

    assert response.status_code == 200
    assert lines[0] == "retry: 5000"
    assert refused.status_code == 401


def test_a_token_stream_ends_once_the_token_is_revoked(store: Storage) -> None:
    add_user(store, "ann", "viewer")
    headers = bearer(store, "ann")
    (token,) = store.tokens("ann")
    later = threading.Timer(0.3, store.revoke_token, [token.id])
    with (
        serving(create_app(store, FAST)) as url,
        httpx.Client(timeout=10, headers=headers) as client,
        client.stream("GET", f"{url}/api/v1/stream") as response,
    ):
        later.start()
        read_to_the_end(response)

    assert response.status_code == 200


def test_a_session_stream_ends_once_the_password_changes(store: Storage) -> None:
    add_user(store, "ann", "viewer")
    new_hash = passwords.hashed("a different password", rounds=ROUNDS)
    later = threading.Timer(0.3, store.set_password, ["ann", new_hash])
    with serving(create_app(store, FAST)) as url, httpx.Client(timeout=10) as client:
        signed_in = client.post(f"{url}/login", data={"username": "ann", "password": PASSWORD})
        with client.stream("GET", f"{url}/api/v1/stream") as response:
            later.start()
            read_to_the_end(response)

    assert (signed_in.status_code, response.status_code) == (303, 200)


def blocks(response: httpx.Response) -> Iterator[dict[str, str]]:
    """The stream's blank-line-ended blocks, each as its fields (comments left out)."""
    block: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            yield block
            block = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            block[name] = value


def fields(response: httpx.Response, count: int) -> list[dict[str, str]]:
    return list(itertools.islice(blocks(response), count))


def test_every_event_and_every_round_carries_an_id_to_resume_from(store: Storage) -> None:
    later = threading.Timer(0.5, store.write, [[scrape("web1:9100", NOW + MINUTE)]])
    with (
        serving(create_app(store, FAST)) as url,
        httpx.Client(timeout=10) as client,
        client.stream("GET", f"{url}/api/v1/stream?server=web1:9100") as response,
    ):
        later.start()
        stream = blocks(response)
        retry, first_round = next(stream), next(stream)
        event = next(block for block in stream if "event" in block)

    assert retry == {"retry": "5000"}
    assert first_round == {"id": str(NOW)}  # the clock is pinned to NOW
    assert (event["id"], event["event"]) == (str(NOW), "scrape")


def test_a_client_back_within_the_window_gets_what_it_missed(store: Storage) -> None:
    missed = {"Last-Event-ID": str(NOW - 2 * MINUTE)}
    with (
        serving(create_app(store, FAST)) as url,
        httpx.Client(timeout=10) as client,
        client.stream("GET", f"{url}/api/v1/stream", headers=missed) as response,
    ):
        replayed = fields(response, 5)[1:]

    kinds = [(block["event"], json.loads(block["data"]).get("instance")) for block in replayed]
    # Every fleet target was scraped at NOW; none changed health in the last two minutes.
    assert kinds == [
        ("scrape", "db1:9100"),
        ("scrape", "web1:9100"),
        ("scrape", HOSTILE),
        ("alerts", None),
    ]


def test_a_client_back_after_the_window_is_told_to_reload(store: Storage) -> None:
    gone = {"Last-Event-ID": str(NOW - 6 * 60_000)}
    with (
        serving(create_app(store, FAST)) as url,
        httpx.Client(timeout=10) as client,
        client.stream("GET", f"{url}/api/v1/stream", headers=gone) as response,
    ):
        _, reset, after = fields(response, 3)

    assert (reset["event"], reset["id"]) == ("reset", str(NOW))
    assert "is not an id of the last 5 minutes" in json.loads(reset["data"])["reason"]
    assert after == {"id": str(NOW)}


def test_a_failed_scrape_event_carries_no_stale_values(store: Storage) -> None:
    later = threading.Timer(0.5, store.write, [[scrape("web1:9100", NOW + MINUTE, "disk on fire")]])
    with serving(create_app(store, FAST)) as url, httpx.Client(timeout=10) as client:
        query = {"server": "web1:9100", "metric": "node_load1"}
        with client.stream("GET", f"{url}/api/v1/stream", params=query) as response:
            later.start()
            body = next(body for kind, body in events(response) if kind == "scrape")

    assert (body["failed"], body["samples"]) == (True, [])
    assert body["last_seen"] == "2025-06-16T12:00:00Z"


def test_a_refused_configuration_is_pushed_to_open_pages(store: Storage) -> None:
    error = "targets.yml:3:1: not a list"
    refused = dataclasses.replace(SCRAPER, reload_ok=False, reload_error=error)
    store.report(SCRAPER)
    later = threading.Timer(0.5, store.report, [refused])
    with (
        serving(create_app(store, FAST)) as url,
        httpx.Client(timeout=10) as client,
        client.stream("GET", f"{url}/api/v1/stream?server=none") as response,
    ):
        later.start()
        kind, body = next(events(response))

    assert (kind, body) == ("scrapers", {"scrapers": 1, "refused_config": 1})

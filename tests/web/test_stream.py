"""GET /api/v1/stream against a real uvicorn: a new scrape and a health change are pushed."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from storage import Storage
from tests.storage.builders import NOW, SCRAPER
from tests.web.conftest import SETTINGS
from tests.web.fleet import MINUTE, scrape
from tests.web.serving import serving
from web.app import create_app

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

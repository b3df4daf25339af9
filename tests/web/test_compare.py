"""The compare page charting any series selector for several servers (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from starlette.testclient import TestClient

BOTH = [("server", "web1:9100"), ("server", "db1:9100")]


def compared(client: TestClient, selector: str, *extra: tuple[str, str]) -> str:
    response = client.get("/compare?" + urlencode([("selector", selector), *BOTH, *extra]))
    assert response.status_code == 200
    return response.text


def lines(page: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(r'<g class="line" data-name="([^"]*)"', page)]


def hover_values(page: str, server: str) -> set[str]:
    return set(re.findall(rf"{re.escape(server)}: ([^\n<]*)", page))


def test_a_counter_selector_is_charted_as_its_rate_for_each_server(client: TestClient) -> None:
    page = compared(client, 'node_network_transmit_bytes_total{device="eth0"}', ("range", "6h"))

    assert lines(page) == ["web1:9100", "db1:9100"]
    assert hover_values(page, "web1:9100") == {"500 B/s"}
    assert "node_network_transmit_bytes_total{device=&#34;eth0&#34;} per second" in page


def test_the_series_a_selector_matches_are_added_up_per_server(client: TestClient) -> None:
    page = compared(client, 'node_network_receive_bytes_total{device!="lo"}', ("range", "6h"))

    # eth0 1,000 B/s and ifb0 700 B/s.
    assert hover_values(page, "web1:9100") == {"1.66 KiB/s"}


def test_a_gauge_selector_is_charted_as_its_value(client: TestClient) -> None:
    page = compared(client, "node_load1", ("range", "6h"))

    assert hover_values(page, "db1:9100") == {"1.50"}


def test_the_selector_is_kept_in_the_range_buttons(client: TestClient) -> None:
    page = compared(client, "node_load1")

    assert '<input type="hidden" name="selector" value="node_load1">' in page


def test_a_selector_that_is_not_one_is_a_400_naming_it(client: TestClient) -> None:
    response = client.get("/compare?" + urlencode([("selector", 'node_load1{mode="idle"'), *BOTH]))

    assert response.status_code == 400
    assert "selector: " in response.text


def test_the_explorer_links_a_charted_series_to_compare(client: TestClient) -> None:
    found = client.get("/api/v1/servers/web1:9100/series?search=node_load1").json()["series"]
    (wanted,) = (s["id"] for s in found if s["name"] == "node_load1")
    page = client.get(f"/servers/web1:9100/metrics?series={wanted}&range=6h").text

    assert '<a href="/compare?selector=node_load1&amp;server=web1%3A9100&amp;range=6h">' in page

"""The metric explorer page: a server's series, searched and charted (on SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from storage import Series
from tests.web.fleet import HOSTILE
from web.views.explorer import Entry

WEB1 = "/servers/web1:9100/metrics"


def selectors(page: str) -> list[str]:
    found = re.findall(r'<a href="/servers/[^"]*/metrics\?[^"]*" title="[^"]*">([^<]*)</a>', page)
    return [html.unescape(text) for text in found]


def chart_titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<figcaption>([^<]*?) ?(?:<small>|</fig)", page)]


def series_id(client: TestClient, name: str) -> int:
    """The id of web1's one series named ``name``."""
    found = client.get(f"/api/v1/servers/web1:9100/series?search={name}").json()["series"]
    (wanted,) = (s["id"] for s in found if s["name"] == name)
    return int(wanted)


def hover_values(page: str) -> set[str]:
    return set(re.findall(r"<title>[^\n]*\n[^:]*: ([^<]*)</title>", page))


def test_the_explorer_lists_every_series_of_the_server(client: TestClient) -> None:
    page = client.get(WEB1).text

    assert "43 of 43 series match" in page
    assert len(selectors(page)) == 43


def test_searching_by_name_keeps_only_the_matching_series(client: TestClient) -> None:
    page = client.get(WEB1 + "?q=node_load").text

    assert selectors(page) == ["node_load1", "node_load15", "node_load5"]


def test_searching_by_label_text_finds_series_by_their_labels(client: TestClient) -> None:
    page = client.get(WEB1 + "?q=" + quote("mountpoint=/boot")).text

    assert selectors(page) == [
        'node_filesystem_avail_bytes{device="/dev/boot",fstype="ext4",mountpoint="/boot"}',
        'node_filesystem_size_bytes{device="/dev/boot",fstype="ext4",mountpoint="/boot"}',
    ]


def test_a_counter_is_charted_as_its_rate_per_second(client: TestClient) -> None:
    wanted = series_id(client, "node_network_transmit_bytes_total")
    page = client.get(f"{WEB1}?series={wanted}").text

    assert chart_titles(page) == ['node_network_transmit_bytes_total{device="eth0"} per second']
    assert "<small>(bytes/s)</small>" in page
    assert hover_values(page) == {"500 B/s"}


def test_a_gauge_is_charted_as_its_value(client: TestClient) -> None:
    wanted = series_id(client, "node_load1")
    page = client.get(f"{WEB1}?series={wanted}&range=6h").text

    assert chart_titles(page) == ["node_load1"]
    assert hover_values(page) == {"1.50"}


def test_a_chart_keeps_the_search_and_range_in_the_series_links(client: TestClient) -> None:
    wanted, other = series_id(client, "node_load1"), series_id(client, "node_load5")
    page = client.get(f"{WEB1}?q=load&series={wanted}&range=24h").text

    assert f"?job=node&amp;q=load&amp;series={wanted}&amp;series={other}&amp;range=24h" in page
    assert '<button name="range" value="24h" aria-pressed="true">24h</button>' in page


def test_a_charted_series_link_takes_it_off_the_chart(client: TestClient) -> None:
    wanted = series_id(client, "node_load1")
    page = client.get(f"{WEB1}?q=load&series={wanted}&range=24h").text

    link = '<a href="/servers/web1:9100/metrics?job=node&amp;q=load&amp;range=24h"'
    assert f'{link} title="Take it off the chart">node_load1</a>' in page


def test_several_series_of_one_unit_share_one_chart_with_a_line_each(client: TestClient) -> None:
    ids = [series_id(client, name) for name in ("node_load1", "node_load5", "node_load15")]
    page = client.get(f"{WEB1}?" + "&".join(f"series={i}" for i in ids)).text

    assert chart_titles(page) == ["node_load1, node_load5, node_load15"]
    assert re.findall(r'<g class="line" data-name="([^"]*)"', page) == [
        "node_load1",
        "node_load5",
        "node_load15",
    ]
    assert page.count("checked>") == 3


def test_series_of_different_units_get_a_chart_each(client: TestClient) -> None:
    load = series_id(client, "node_load1")
    sent = series_id(client, "node_network_transmit_bytes_total")
    page = client.get(f"{WEB1}?series={load}&series={sent}").text

    assert chart_titles(page) == [
        "node_load1",
        'node_network_transmit_bytes_total{device="eth0"} per second',
    ]


def test_a_chosen_series_the_search_hides_stays_in_the_form(client: TestClient) -> None:
    wanted = series_id(client, "node_load1")
    page = client.get(f"{WEB1}?q=transmit&series={wanted}").text

    assert f'<input type="hidden" name="series" value="{wanted}">' in page
    assert chart_titles(page) == ["node_load1"]


def test_more_than_ten_series_is_a_400_naming_the_limit(client: TestClient) -> None:
    query = "&".join(f"series={i}" for i in range(1, 12))
    response = client.get(f"{WEB1}?{query}")

    assert response.status_code == 400
    assert "series: at most 10 series on one chart, got 11" in response.text


@pytest.mark.parametrize(
    ("kind", "name", "function"),
    [
        ("counter", "http_requests_total", "rate"),
        ("histogram", "http_duration_seconds_bucket", "rate"),
        ("summary", "rpc_seconds_count", "rate"),
        ("summary", "rpc_seconds", "avg"),
        ("gauge", "node_load1", "avg"),
        ("unknown", "some_value", "avg"),
    ],
)
def test_counters_and_cumulative_histogram_series_are_charted_as_rates(
    kind: str, name: str, function: str
) -> None:
    assert Entry(Series(1, name, ()), kind).function == function


def test_an_unknown_series_is_an_html_404(client: TestClient) -> None:
    response = client.get(WEB1 + "?series=999999")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "series: this server has no series 999999" in response.text


def test_a_series_of_another_server_is_a_404(client: TestClient) -> None:
    wanted = series_id(client, "node_load1")

    assert client.get(f"/servers/db1:9100/metrics?series={wanted}").status_code == 404


def test_a_series_that_is_not_a_number_is_an_html_400(client: TestClient) -> None:
    response = client.get(WEB1 + "?series=node_load1")

    assert response.status_code == 400
    assert "series: &#39;node_load1&#39; is not an integer" in response.text


def test_the_explorer_of_an_unknown_server_is_an_html_404(client: TestClient) -> None:
    response = client.get("/servers/nowhere:9100/metrics")

    assert response.status_code == 404
    assert "no server &#39;nowhere:9100&#39;" in response.text


def test_hostile_label_values_are_escaped(client: TestClient) -> None:
    page = client.get(f"/servers/{quote(HOSTILE)}/metrics?q=probe").text

    assert "<img src=x" not in page
    assert "<script>alert" not in page
    assert "note=&#34;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_server_page_links_to_its_explorer_with_its_range(client: TestClient) -> None:
    page = client.get("/servers/web1:9100?range=6h").text

    assert '<a href="/servers/web1:9100/metrics?job=node&amp;range=6h" id="explore">' in page

"""The server-rendered pages, read as HTML (the browser tests look at them for real)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient


def rows(page: str) -> list[str]:
    return re.findall(r'<tr class="state-\w+" data-job="[^"]*" data-instance="([^"]*)"', page)


def test_overview_counts_up_and_down(client: TestClient) -> None:
    page = client.get("/").text

    assert '<strong data-count="up">2</strong> up' in page
    assert '<strong data-count="down">1</strong> down' in page


def test_overview_puts_the_down_server_first_with_its_reason(client: TestClient) -> None:
    page = client.get("/").text

    assert rows(page)[0] == "db1:9100"
    assert '<tr class="state-down" data-job="node" data-instance="db1:9100">' in page
    assert "✖ DOWN" in page
    assert '<td class="reason" data-role="reason">connection refused</td>' in page


def test_overview_shows_headline_figures_of_node_targets(client: TestClient) -> None:
    page = client.get("/?job=node&state=up").text

    assert rows(page) == ["web1:9100"]
    for figure in ("25.0 %", "75.0 %", "90.0 %", "1.50", "3d"):
        assert f">{figure}</td>" in page


def test_overview_sorts_by_a_column_both_ways(client: TestClient) -> None:
    ascending = rows(client.get("/?sort=instance&order=asc").text)
    descending = rows(client.get("/?sort=instance&order=desc").text)

    assert ascending == sorted(ascending)
    assert descending == ascending[::-1]


def test_overview_sort_links_keep_the_filters(client: TestClient) -> None:
    page = client.get("/?job=node").text

    assert 'href="?job=node&amp;sort=cpu&amp;order=asc"' in page


def test_overview_with_a_bad_sort_is_an_html_400(client: TestClient) -> None:
    response = client.get("/?sort=colour")

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "sort: &#39;colour&#39; is not one of" in response.text


def test_server_page_shows_identity_and_history(client: TestClient) -> None:
    page = client.get("/servers/web1:9100?range=6h").text

    assert "<dd>Debian GNU/Linux 12 (bookworm)</dd>" in page
    assert "<dd>6.1.0-18-amd64</dd>" in page
    assert "context deadline exceeded" in page


def test_server_page_draws_every_node_panel(client: TestClient) -> None:
    page = client.get("/servers/web1:9100").text

    titles = re.findall(r"<figcaption>([^<]+)", page)
    assert [t.strip() for t in titles] == [
        "CPU by mode",
        "Load average",
        "Memory",
        "Filesystem usage",
        "Disk I/O",
        "Network",
        "Temperatures",
    ]


def test_a_chart_breaks_its_line_over_the_outage(client: TestClient) -> None:
    page = client.get("/servers/web1:9100?range=6h").text
    load = page[page.index('data-name="load1"') :].split("</g>")[0]

    # 09:00-10:00 and 10:10-12:00: two runs; the ten failed scrapes are not bridged.
    assert load.count("<path") == 2


def test_a_custom_range_needs_a_start(client: TestClient) -> None:
    response = client.get("/servers/web1:9100?range=custom")

    assert (response.status_code, "start: is required" in response.text) == (400, True)


def test_unknown_server_page_is_an_html_404(client: TestClient) -> None:
    response = client.get("/servers/nowhere:1")

    assert (response.status_code, "no server &#39;nowhere:1&#39;" in response.text) == (404, True)


def test_static_assets_are_served_by_the_app(client: TestClient) -> None:
    response = client.get("/static/style.css")

    assert (response.status_code, "prefers-color-scheme: dark" in response.text) == (200, True)


def test_the_favicon_browsers_ask_for_is_served(client: TestClient) -> None:
    response = client.get("/favicon.ico")

    assert (response.status_code, response.headers["content-type"]) == (200, "image/svg+xml")
    assert response.text.startswith("<svg")


def test_every_page_names_its_icon(client: TestClient) -> None:
    page = client.get("/").text

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page

"""The server-rendered pages, read as HTML (the browser tests look at them for real)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from tests.web.fleet import HOSTILE


def rows(page: str) -> list[str]:
    return re.findall(r'<tr class="state-\w+" data-job="[^"]*" data-instance="([^"]*)"', page)


def test_overview_counts_up_and_down(client: TestClient) -> None:
    page = client.get("/").text

    assert '<strong data-count="up">2</strong> up' in page
    assert '<strong data-count="down">1</strong> down' in page


def test_overview_puts_the_down_server_first_with_its_reason(client: TestClient) -> None:
    page = client.get("/").text

    assert rows(page)[0] == "db1:9100"
    assert '<tr class="state-down" data-job="node" data-instance="db1:9100"' in page
    assert "✖ DOWN" in page
    assert '<td class="reason" data-role="reason">connection refused</td>' in page


def test_overview_shows_headline_figures_of_node_targets(client: TestClient) -> None:
    page = client.get("/?job=node&state=up").text

    assert rows(page) == ["web1:9100"]
    for figure in ("25.0 %", "75.0 %", "90.0 %"):
        assert f'value="{figure[:-2]}">{figure}</meter>{figure}</span></td>' in page
    for figure in ("1.50", "3d"):
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
        "CPU per core",
        "Load average",
        "Memory",
        "Filesystem usage",
        "Disk I/O",
        "Disk latency",
        "Network",
        "Temperatures",
    ]


def test_a_chart_breaks_its_line_over_the_outage(client: TestClient) -> None:
    page = client.get("/servers/web1:9100?range=6h").text
    load = page[page.index('data-name="load1"') :].split("</g>")[0]

    # 09:00-10:00 and 10:10-12:00: two runs; the ten failed scrapes are not bridged.
    assert load.count("<path") == 2


def test_the_30_day_range_charts_the_hours_not_rolled_up_yet(client: TestClient) -> None:
    page = client.get("/servers/web1:9100?range=30d").text

    assert "No chartable node_exporter data" not in page
    assert page.count('<figure class="panel"') >= 7


def test_cpu_modes_are_stacked_with_their_total(client: TestClient) -> None:
    page = client.get("/servers/web1:9100").text
    cpu = json.loads(re.findall(r'class="chart-data">(.*?)</script>', page)[0])

    assert [(s["name"], s["stacked"]) for s in cpu["series"]] == [
        ("user", True),
        ("system", True),
        ("iowait", True),
        ("total", False),
    ]
    assert cpu["series"][-1]["runs"][0][-1][1] == pytest.approx(25.0)


def test_chart_ticks_are_round_values(client: TestClient) -> None:
    page = client.get("/servers/web1:9100").text
    memory = page[page.index('aria-label="Memory"') :].split("</svg>")[0]

    assert re.findall(r'<text class="tick"[^>]*text-anchor="end">([^<]+)', memory) == [
        "0 B", "2 GiB", "4 GiB", "6 GiB"
    ]  # fmt: skip


def test_virtual_network_devices_are_left_out(client: TestClient) -> None:
    page = client.get("/servers/web1:9100").text
    network = page[page.index('aria-label="Network"') :].split("</figure>")[0]

    assert 'data-name="eth0 in"' in network
    assert "ifb0" not in network
    assert 'data-name="lo in"' not in network


def test_disk_latency_is_the_time_per_completed_read_and_write(client: TestClient) -> None:
    page = client.get("/servers/web1:9100").text
    chart = json.loads(re.findall(r'class="chart-data">(.*?)</script>', page)[6])

    assert (chart["title"], chart["unit"]) == ("Disk latency", "ms")
    assert {s["name"]: {p[1] for run in s["runs"] for p in run} for s in chart["series"]} == {
        "sda read": {5.0},
        "sda write": {10.0},
    }


def test_the_top_processes_are_listed_busiest_first(client: TestClient) -> None:
    page = client.get("/servers/web1:9100").text
    table = page[page.index('id="processes"') :].split("</table>")[0]

    rows = re.findall(r'<tr data-pid="(\d+)"><td>([^<]*)</td>.*?"cpu">([^<]*)<.*?"memory">([^<]*)<',
                      table)  # fmt: skip
    assert rows == [("812", "postgres", "50.0 %", "1.5 GiB"), ("77", "nginx", "10.0 %", "64 MiB")]


def test_a_server_without_the_top_collector_has_no_processes_section(client: TestClient) -> None:
    page = client.get("/servers/" + quote(HOSTILE)).text

    assert 'id="processes"' not in page


def test_a_custom_range_needs_a_start(client: TestClient) -> None:
    response = client.get("/servers/web1:9100?range=custom")

    assert response.status_code == 200
    assert "this is the last hour. start: is required." in response.text


def test_a_mistyped_time_is_said_beside_the_form_and_kept_in_it(client: TestClient) -> None:
    response = client.get("/servers/web1:9100?range=custom&start=2026-13-02+00:50")

    assert response.status_code == 200
    assert (
        "start: &#39;2026-13-02 00:50&#39; is not a date and time (month must be in 1..12)."
        in response.text
    )
    assert 'value="2026-13-02 00:50" aria-invalid="true"' in response.text
    assert '<button name="range" value="1h" aria-pressed="true">' in response.text


def test_a_mistyped_time_on_the_explorer_and_compare_is_said_inline(client: TestClient) -> None:
    for path in ("/servers/web1:9100/metrics", "/compare"):
        page = client.get(path + "?range=custom&start=noon").text

        assert "start: &#39;noon&#39; is not a time like 2026-12-02 00:50, yesterday 14:00" in page


def test_history_times_are_readable_with_the_rfc_3339_form_kept(client: TestClient) -> None:
    page = client.get("/servers/web1:9100").text

    assert re.search(
        r'<time datetime="(\S+Z)" title="\1" data-local>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</time>',
        page[page.index('class="history"') :],
    )


def test_a_bad_time_zone_is_still_a_400(client: TestClient) -> None:
    response = client.get("/servers/web1:9100?range=custom&start=2026-12-02&tz=Mars/Base")

    assert response.status_code == 400


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


def test_the_overview_filters_by_label_matchers_and_shows_them_back(client: TestClient) -> None:
    page = client.get("/", params={"match[]": '{env="prod", instance=~"db.*"}'}).text

    assert ("db1:9100" in page, "web1:9100" in page) == (True, False)
    assert 'name="match[]"' in page
    assert 'value="env=&#34;prod&#34;, instance=~&#34;db.*&#34;"' in page


def test_a_visitor_who_is_not_signed_in_sees_a_log_in_link_back_to_the_page(
    client: TestClient,
) -> None:
    page = client.get("/servers/web1:9100?job=node").text

    assert (
        '<a class="session" href="/login?next=%2Fservers%2Fweb1%3A9100%3Fjob%3Dnode" '
        'data-role="log-in">Log in</a>'
    ) in page


def test_the_login_page_says_when_no_user_exists_and_how_to_make_one(client: TestClient) -> None:
    page = client.get("/login").text

    assert 'data-role="log-in"' not in page
    assert (
        "No user exists yet: create the first on the server with "
        "<code>hostwatch-web user add NAME --role admin</code>, then log in here."
    ) in page

"""The overview's rows, built from strings (web/pages/fleet_rows.py) rather than the template."""

from __future__ import annotations

from model.health import Health, TargetHealth
from web.pages.fleet_rows import Table
from web.views.headline import Headline
from web.views.overview import Row
from web.views.registrations import Origins
from web.views.uptime import Uptime

NOW = 1_750_000_000_000
NODE = Headline(cpu_percent=12.5, memory_percent=40.0, load1=0.5, uptime_s=3600.0)
UPTIME = Uptime({"24h": 100.0, "7d": 99.5, "30d": None}, ["up"] * 24)


def target(instance: str, health: Health = "up", error: str | None = None) -> TargetHealth:
    return TargetHealth(
        job="node", instance=instance, labels=(("env", "<prod>"),), health=health,
        last_scrape_ms=NOW - 15_000, last_duration_s=0.1, last_error=error,
        consecutive_failures=0 if error is None else 1, first_seen_ms=NOW - 86_400_000,
        last_seen_ms=NOW - 15_000 if error is None else NOW - 135_000,
        health_since_ms=NOW - 86_400_000,
    )  # fmt: skip


def html(row: Row, containers: bool = False, firing: dict[str, int] | None = None) -> str:
    return str(Table(firing or {}, Origins({}, {}), NOW, containers).rows([row]))


def test_text_from_outside_is_escaped_as_jinja_escapes_it() -> None:
    shown = html(Row(target("""<b>"x'&:9100""", "down", "<refused>"), NODE, NOW, UPTIME))

    assert [raw in shown for raw in ("<b>", "<refused>", "<prod>")] == [False, False, False]
    assert ">&lt;b&gt;&#34;x&#39;&amp;:9100</a>" in shown
    assert '<td class="reason" data-role="reason">&lt;refused&gt;</td>' in shown
    assert '<span class="label">env=&lt;prod&gt;</span>' in shown


def test_a_down_servers_figures_are_marked_as_last_seen() -> None:
    shown = html(Row(target("db1:9100", "down", "connection refused"), NODE, NOW, UPTIME))

    assert '<td class="num stale" data-label="CPU" data-role="cpu" title="last seen at ' in shown
    assert '<div class="stale-age" data-role="stale">last seen <time' in shown
    assert "<small>(failed)</small>" in shown


def test_an_up_servers_figures_are_current() -> None:
    shown = html(Row(target("web1:9100"), NODE, NOW, UPTIME))

    assert ["stale" in shown, "last seen" in shown] == [False, False]
    assert '<td class="num" data-label="CPU" data-role="cpu"><span class="usage"><meter' in shown
    assert "<small>24h</small>100 % · <small>7d</small>99.50 % · <small>30d</small>—" in shown


def test_the_containers_cell_is_drawn_only_with_its_column() -> None:
    row = Row(target("web1:9100"), Headline(cpu_percent=1.0, containers=3), NOW, UPTIME)

    assert 'data-role="containers">3</td>' in html(row, containers=True)
    assert 'data-role="containers"' not in html(row, containers=False)


def test_a_server_with_firing_alerts_has_the_bell_and_count() -> None:
    shown = html(Row(target("web1:9100"), NODE, NOW, UPTIME), firing={"web1:9100": 2})

    assert 'title="2 firing" data-role="firing"><svg class="icon"' in shown

"""The overview's table rows as HTML, built from strings.

A thousand rows through the template's loop (its macros, filters and attribute lookups) took
about 200 ms of the overview at 1,000 servers, more than the figures in them; the same markup
joined here takes a fraction of that. Text from outside (instances, jobs, labels, errors) is
escaped as Jinja's autoescaping would; the figures are digits and units of our own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from web.pages.marks import badge, firing_marker
from web.pages.render import ago, server_url
from web.views import gauges, units
from web.views.overview import Row, haystack
from web.views.registrations import Origins

PAUSED = ' <small data-role="paused">paused</small>'
FAILED = " <small>(failed)</small>"


@dataclass(frozen=True, slots=True)
class Table:
    """What every row needs besides its own: alerts by instance, where targets come from, now,
    and whether the Containers column is shown."""

    firing: Mapping[str, int]
    origins: Origins
    now_ms: int
    containers: bool

    def rows(self, rows: Sequence[Row]) -> Markup:
        return Markup("".join(self.row(row) for row in rows))

    def row(self, row: Row) -> str:
        t, h = row.target, row.headline
        stale = " stale" if row.stale else ""
        seen = f"last seen at {units.rfc3339(t.last_seen_ms)}" if row.stale else ""
        titled = f' title="{_text(seen)}"' if seen else ""
        mount = f" ({_text(h.fullest_mountpoint)})" if h.fullest_mountpoint else ""
        return (
            f'\n<tr class="state-{t.health}" data-job="{_text(t.job)}" '
            f'data-instance="{_text(t.instance)}" data-search="{_text(haystack(t))}">\n'
            f"  <td>{badge(t.health)}</td>\n"
            f'  <td><a href="{_text(server_url(t))}">{_text(t.instance)}</a> '
            f"{firing_marker(self.firing.get(t.instance, 0))}\n"
            f"    {_labels(row)}</td>\n"
            f'  <td data-label="Job">{_text(t.job)} <small class="source" data-role="source" '
            f'title="where this server is listed">{_text(self.origins.source(t) or "")}</small>'
            f"{PAUSED if self.origins.paused(t) else ''}</td>\n"
            f'  <td class="reason" data-role="reason">{_text(t.last_error or "")}</td>\n'
            f'  <td class="num" data-role="since" data-label="For">'
            f"{units.span(row.state_for_s)}</td>\n"
            f'  <td class="num" data-role="age" data-label="Last scrape">'
            f"{_age(row, self.now_ms)}</td>\n"
            f'  <td class="num{stale}" data-label="CPU" data-role="cpu"{titled}>'
            f"{gauges.usage(h.cpu_percent)}</td>\n"
            f'  <td class="num{stale}" data-label="Memory" data-role="memory"{titled}>'
            f"{gauges.usage(h.memory_percent)}</td>\n"
            f'  <td class="num{stale}" data-label="Fullest disk{mount}" '
            f'title="{_text(seen or h.fullest_mountpoint or "")}">'
            f"{gauges.usage(h.fullest_filesystem_percent)}</td>\n"
            f'  <td class="num{stale}" data-label="Load"{titled}>'
            f"{units.number(h.load1)}</td>\n"
            f'  <td class="num{stale}" data-label="Uptime"{titled}>'
            f"{units.span(h.uptime_s)}</td>\n"
            f"  {self._containers(row)}\n"
            f'  <td class="uptime" data-label="Up" data-role="uptime">{_uptime(row)}</td>\n'
            f'  <td data-label="Last 24 h">{gauges.strip(row.uptime.strip if row.uptime else ())}'
            "</td>\n"
            f'  <td><label class="pick"><input type="checkbox" name="server" '
            f'value="{_text(t.instance)}" aria-label="Compare {_text(t.instance)}"></label></td>\n'
            "</tr>"
        )

    def _containers(self, row: Row) -> str:
        if not self.containers:
            return ""
        count = row.headline.containers or ""
        return f'<td class="num" data-label="Containers" data-role="containers">{count}</td>'


def _labels(row: Row) -> str:
    labels = "".join(
        f'<span class="label">{_text(k)}={_text(v)}</span>' for k, v in row.target.labels
    )
    return f'<div class="labels">{labels}</div>' if labels else ""


def _age(row: Row, now_ms: int) -> str:
    """The last scrape's age ("(failed)" when it failed), and for figures that are not current
    how long ago the server was last seen."""
    t = row.target
    if t.last_scrape_ms:
        age = f"{ago(t.last_scrape_ms, now_ms)}{FAILED if t.last_error else ''}"
    else:
        age = "—"
    if not row.stale:
        return f"{age}\n    "
    last = ago(t.last_seen_ms, now_ms) if t.last_seen_ms else "never"
    return f'{age}\n    <div class="stale-age" data-role="stale">last seen {last}</div>'


def _uptime(row: Row) -> str:
    if row.uptime is None:
        return ""
    return " · ".join(
        f"<small>{period}</small>{gauges.uptime(value)}"
        for period, value in row.uptime.percent.items()
    )


def _text(value: str) -> str:
    """``value`` with the entities markupsafe (Jinja's autoescaping) writes. Five replace()
    calls, each a scan in C: str.translate with a table looks every character up in a dict,
    14,000 escapes of instances and search texts took 33 ms (load 9), as replace calls 6 ms."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )

"""Notices above the fleet: problems of hostwatch itself that an operator must fix."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from storage import ScraperStatus
from web.views import units

# Scrapers report every 15 s: four missed reports mean it stopped, not that it is slow.
SILENT_AFTER_MS = 60_000


@dataclass(frozen=True, slots=True)
class Notice:
    title: str
    detail: str


def of_scrapers(reports: Iterable[ScraperStatus], now_ms: int) -> list[Notice]:
    return [notice for report in reports for notice in _notices(report, now_ms)]


def _notices(report: ScraperStatus, now_ms: int) -> Iterator[Notice]:
    who = _scraper(report.name)
    if not report.reload_ok:
        yield Notice(
            f"{who} refused a new configuration",
            f"{report.reload_error}. The previous configuration keeps running; fix the file "
            "and it is read again.",
        )
    silent_ms = now_ms - report.heartbeat_ms
    if silent_ms > SILENT_AFTER_MS:
        yield Notice(
            f"{who} is silent",
            f"its last report was {units.span(silent_ms / 1000)} ago: is it running?",
        )


def _scraper(name: str) -> str:
    """``The scraper`` when it is the only one (shard 0/1), else ``Scraper 2 of 3``."""
    index, slash, count = name.partition("/")
    if not slash or not index.isdigit() or not count.isdigit():
        return f"Scraper {name}"
    return "The scraper" if count == "1" else f"Scraper {int(index) + 1} of {count}"

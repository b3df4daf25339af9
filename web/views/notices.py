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
    if not report.reload_ok:
        yield Notice(
            f"Scraper {report.name} refused its new configuration",
            f"{report.reload_error} (the previous configuration keeps running)",
        )
    silent_ms = now_ms - report.heartbeat_ms
    if silent_ms > SILENT_AFTER_MS:
        yield Notice(
            f"Scraper {report.name} is silent",
            f"its last report was {units.span(silent_ms / 1000)} ago: is it running?",
        )

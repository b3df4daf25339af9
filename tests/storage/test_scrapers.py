"""Scraper reports: each scraper process's reload state and heartbeat, one row per scraper."""

from __future__ import annotations

import dataclasses

from scraper.storage import ScraperStatus, Storage
from tests.storage.builders import NOW

REPORT = ScraperStatus(
    name="1/1",
    config_file="config/targets.yml",
    targets=12,
    reload_ok=True,
    reload_error=None,
    reloaded_ms=NOW - 60_000,
    heartbeat_ms=NOW,
)


def test_a_report_reads_back_as_written(store: Storage) -> None:
    store.report(REPORT)

    assert store.scrapers() == [REPORT]


def test_a_new_report_replaces_the_scrapers_previous_one(store: Storage) -> None:
    refused = dataclasses.replace(
        REPORT, reload_ok=False, reload_error="targets.yml:3:5: unknown key 'tagrets'"
    )
    store.report(REPORT)
    store.report(refused)

    assert store.scrapers() == [refused]


def test_each_shard_has_its_own_report(store: Storage) -> None:
    store.report(dataclasses.replace(REPORT, name="2/2"))
    store.report(dataclasses.replace(REPORT, name="1/2"))

    assert [report.name for report in store.scrapers()] == ["1/2", "2/2"]

"""Scraper reports: each scraper process's reload state and heartbeat, one row per scraper."""

from __future__ import annotations

import dataclasses

from storage import Storage
from tests.storage.builders import SCRAPER


def test_a_report_reads_back_as_written(store: Storage) -> None:
    store.report(SCRAPER)

    assert store.scrapers() == [SCRAPER]


def test_a_new_report_replaces_the_scrapers_previous_one(store: Storage) -> None:
    refused = dataclasses.replace(
        SCRAPER, reload_ok=False, reload_error="targets.yml:3:5: unknown key 'tagrets'"
    )
    store.report(SCRAPER)
    store.report(refused)

    assert store.scrapers() == [refused]


def test_each_shard_has_its_own_report(store: Storage) -> None:
    store.report(dataclasses.replace(SCRAPER, name="2/2"))
    store.report(dataclasses.replace(SCRAPER, name="1/2"))

    assert [report.name for report in store.scrapers()] == ["1/2", "2/2"]

"""The web benchmark's loader (bench/loader.py) fills and tops up a fleet on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench import fleet, loader
from model.clock import DAY_MS
from tests.conftest import throwaway_database

NOW = 1_750_032_000_000 + 10 * 3_600_000  # 10:00 UTC
SCRAPE_SAMPLES = len(fleet.SHAPES)


@pytest.fixture(params=["sqlite", "postgresql"])
def fleet_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a fleet may be loaded: a SQLite file's URL, or a new PostgreSQL database's."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fleet.db'}"
        return
    with throwaway_database() as url:
        yield url


def stored(url: str) -> tuple[int, int]:
    """(plain rows, samples in the chunks of compacted days): the open day's head chunks hold
    copies of its plain rows (storage/heads.py)."""
    compacted = "SELECT value FROM maintenance_state WHERE key = 'compacted_until'"
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.scalar(text("SELECT count(*) FROM samples"))
        chunked = conn.scalar(
            text(
                "SELECT coalesce(sum(count), 0) FROM sample_chunks "
                f"WHERE start < coalesce(({compacted}), 0)"
            )
        )
    engine.dispose()
    return int(rows or 0), int(chunked or 0)


def test_a_loaded_fleet_is_present_with_every_sample_and_its_closed_days_compacted(
    fleet_url: str,
) -> None:
    loader.load(fleet_url, servers=2, days=2, now_ms=NOW)

    rows, chunked = stored(fleet_url)
    scrapes = 2 * DAY_MS // fleet.SCRAPE_MS + 1  # both ends included
    assert loader.present(fleet_url)
    assert rows + chunked == 2 * SCRAPE_SAMPLES * scrapes
    # From 10:00 two days ago: the closed days' 14 and 24 hours are chunks, today's 10 hours
    # (10:00 included) plain rows.
    assert chunked == 2 * SCRAPE_SAMPLES * (420 + 720)
    assert rows == 2 * SCRAPE_SAMPLES * 301
    assert loader.size_bytes(fleet_url) > 0


def test_a_top_up_adds_the_scrapes_since_the_last_load(fleet_url: str) -> None:
    loader.load(fleet_url, servers=2, days=1, now_ms=NOW)
    before = sum(stored(fleet_url))

    minutes = loader.top_up(fleet_url, NOW + 10 * 60_000)

    assert minutes == 10
    assert sum(stored(fleet_url)) - before == 2 * SCRAPE_SAMPLES * 5


def test_an_absent_sqlite_file_is_not_present(tmp_path: Path) -> None:
    assert not loader.present(f"sqlite:///{tmp_path / 'none.db'}")

"""The spill log's durability: each line reaches the kernel at once and the disk within a
second (fsynced in groups), so kill -9 loses nothing and a power loss at most a second."""

import math
from pathlib import Path

import anyio
import pytest

from model.samples import Sample
from model.staleness import STALE_NAN, is_stale
from scraper.spill import SpillLog
from storage import ScrapeRecord

pytestmark = pytest.mark.anyio


def scrape(n: int) -> ScrapeRecord:
    labels = (("instance", "web-1:9110"), ("job", "node"))
    samples = [Sample("demo", labels, float(n))]
    return ScrapeRecord("node", "web-1:9110", labels, 1_700_000_000_000 + n, 0.01, None, samples)


async def test_appended_lines_are_fsynced_within_the_sync_period(tmp_path: Path) -> None:
    spill = SpillLog(tmp_path, 2**20)
    spill.append(scrape(1))
    spill.append(scrape(2))
    assert spill.unsynced == 2

    async with anyio.create_task_group() as group:
        group.start_soon(spill.keep_synced, 0.05)
        with anyio.fail_after(5):
            while spill.unsynced:
                await anyio.sleep(0.01)
        group.cancel_scope.cancel()
    spill.close()


def test_an_appended_line_is_readable_by_another_process_at_once(tmp_path: Path) -> None:
    """What kill -9 relies on: the line is in the kernel before append returns."""
    spill = SpillLog(tmp_path, 2**20)
    spill.append(scrape(1))

    replayed = SpillLog(tmp_path, 2**20).take(10)

    assert [record.timestamp_ms for record in replayed] == [1_700_000_000_001]
    spill.close()


def test_a_stale_marker_comes_back_a_stale_marker_and_a_nan_a_nan(tmp_path: Path) -> None:
    labels = (("instance", "web-1:9110"), ("job", "node"))
    samples = [Sample("gone", labels, STALE_NAN), Sample("empty", labels, math.nan)]
    spill = SpillLog(tmp_path, 2**20)
    spill.append(ScrapeRecord("node", "web-1:9110", labels, 1_700_000_000_000, 0.01, None, samples))
    [replayed] = SpillLog(tmp_path, 2**20).take(10)
    spill.close()
    assert [(s.name, is_stale(s.value), math.isnan(s.value)) for s in replayed.samples] == [
        ("gone", True, True),
        ("empty", False, True),
    ]

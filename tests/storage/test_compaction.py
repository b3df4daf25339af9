"""Compaction: closed days of plain rows become one compressed chunk per series, and every
read answers exactly as it did from the plain rows."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from model.matchers import Matcher
from model.samples import Sample
from storage import RangeQuery, Storage, compaction
from storage.compaction import Compaction
from tests.storage.builders import DAY, HOUR, NOW, labels, range_answers, record, sample
from tests.storage.conftest import StoreFactory

MINUTE = 60_000
TODAY = NOW - NOW % DAY
YESTERDAY = TODAY - DAY
Peek = Callable[[str], list[tuple[Any, ...]]]
cpu_0 = Matcher("cpu", "=", "0")


def day_of_scrapes(store: Storage, day: int, scrapes: int = 720, series: int = 3) -> None:
    """A counter (with a reset halfway), a gauge with a NaN and +Inf in it, per scrape."""
    records = []
    for i in range(scrapes):
        counter = [Sample("c", labels(cpu=str(n)), float(i % 400) * 1.5 + n) for n in range(series)]
        gauge = math.nan if i == 7 else math.inf if i == 9 else 100.0 - i / 8
        records.append(record([*counter, sample("g", gauge)], t=day + i * 2 * MINUTE))
    store.write(records)


def answers(store: Storage, start: int = YESTERDAY, end: int = NOW) -> dict[str, object]:
    return range_answers(store, start, end)


def test_range_queries_answer_the_same_before_and_after_compaction(store: Storage) -> None:
    day_of_scrapes(store, YESTERDAY)
    before = answers(store)

    report = store.maintain(NOW)

    assert (report.windows_compacted, report.samples_compacted) == (1, 720 * 4)
    assert answers(store) == before


def test_a_closed_day_becomes_one_chunk_per_series_and_no_plain_rows(
    store: Storage, peek: Peek
) -> None:
    day_of_scrapes(store, YESTERDAY)

    store.maintain(NOW)

    assert (
        peek("SELECT start, count FROM sample_chunks ORDER BY series_id") == [(YESTERDAY, 720)] * 4
    )
    assert peek("SELECT count(*) FROM samples") == [(0,)]


def test_the_current_day_stays_in_plain_rows(store: Storage, peek: Peek) -> None:
    day_of_scrapes(store, TODAY, scrapes=30)

    report = store.maintain(NOW)

    assert report.samples_compacted == 0
    assert peek("SELECT count(*) FROM samples") == [(120,)]


def test_maintain_twice_compacts_once(store: Storage, peek: Peek) -> None:
    day_of_scrapes(store, YESTERDAY)
    store.maintain(NOW)
    chunks = peek("SELECT * FROM sample_chunks ORDER BY series_id")

    again = store.maintain(NOW)

    assert again.samples_compacted == 0
    assert peek("SELECT * FROM sample_chunks ORDER BY series_id") == chunks


def test_a_range_spanning_chunks_and_plain_rows_reads_both(store: Storage) -> None:
    day_of_scrapes(store, YESTERDAY, series=1)
    day_of_scrapes(store, TODAY, scrapes=30, series=1)
    before = answers(store, YESTERDAY + 23 * HOUR, TODAY + HOUR)

    store.maintain(NOW)

    assert answers(store, YESTERDAY + 23 * HOUR, TODAY + HOUR) == before


def test_a_late_sample_for_a_compacted_day_is_read_and_compacted_again(
    store: Storage, peek: Peek
) -> None:
    day_of_scrapes(store, YESTERDAY, series=1)
    store.maintain(NOW)
    late = YESTERDAY + 2 * HOUR + 1

    store.write([record([sample("g", 42.0, timestamp_ms=late)], t=late)])
    read_late = store.query_range(RangeQuery("g", [], late, late + 1, 1, "last"))
    report = store.maintain(NOW)

    assert [p for _, p in read_late.series] == [[(late, 42.0)]]
    assert report.samples_compacted == 1
    assert peek("SELECT count(*) FROM samples") == [(0,)]
    g = store.query_range(RangeQuery("g", [], late, late + 1, 1, "last"))
    assert [p for _, p in g.series] == [[(late, 42.0)]]
    assert peek("SELECT sum(count) FROM sample_chunks") == [(720 * 2 + 1,)]


def test_a_sample_written_while_its_day_is_compacted_is_kept(
    store: Storage, peek: Peek, monkeypatch: pytest.MonkeyPatch
) -> None:
    day_of_scrapes(store, YESTERDAY, scrapes=10, series=2)
    late = YESTERDAY + 3 * HOUR
    # Batches of one series id from 0: the step after the last id's finishes the window.
    finishing = peek("SELECT max(id) FROM series")[0][0] + 2
    step = Compaction._step
    steps = 0

    def then_write(self: Compaction, window: int) -> int | None:
        # Every batch has been read when a sample for the day arrives (a late retry).
        nonlocal steps
        steps += 1
        if steps == finishing:
            store.write([record([sample("c", 7.0, cpu="0")], t=late)])
        return step(self, window)

    monkeypatch.setattr(compaction, "BATCH", 1)
    monkeypatch.setattr(Compaction, "_step", then_write)
    store.maintain(NOW)
    read_at_once = store.query_range(RangeQuery("c", [cpu_0], late, late + 1, 1, "last"))
    store.maintain(NOW)

    assert [p for _, p in read_at_once.series] == [[(late, 7.0)]]
    assert peek("SELECT count(*) FROM samples") == [(0,)]
    assert peek("SELECT sum(count) FROM sample_chunks") == [(10 * 3 + 1,)]
    again = store.query_range(RangeQuery("c", [cpu_0], late, late + 1, 1, "last"))
    assert [p for _, p in again.series] == [[(late, 7.0)]]


def test_a_retried_batch_after_compaction_is_stored_once(store: Storage, peek: Peek) -> None:
    batch = [record([sample("g", float(i))], t=YESTERDAY + i * MINUTE) for i in range(10)]
    store.write(batch)
    store.maintain(NOW)

    store.write(batch)
    store.maintain(NOW)

    assert peek("SELECT start, count FROM sample_chunks") == [(YESTERDAY, 10)]


def test_latest_reads_a_down_servers_last_values_from_its_chunk(store: Storage) -> None:
    day_of_scrapes(store, YESTERDAY + 13 * HOUR, scrapes=300, series=1)
    store.write([record(t=NOW - MINUTE, error="connection refused")])

    store.maintain(NOW)
    latest = {s.series.name: (s.timestamp_ms, s.value) for s in store.latest("node", "web1:9100")}

    last = YESTERDAY + 13 * HOUR + 299 * 2 * MINUTE
    assert latest == {"c": (last, 299 * 1.5), "g": (last, 100.0 - 299 / 8)}


def test_compacted_days_expire_with_raw_retention(store: Storage, peek: Peek) -> None:
    day_of_scrapes(store, YESTERDAY, scrapes=10, series=1)
    store.maintain(NOW)

    report = store.maintain(NOW + 31 * DAY)

    assert report.chunks_deleted == 2
    assert peek("SELECT count(*) FROM sample_chunks") == [(0,)]


def test_a_compacted_days_plain_rows_leave_no_space_behind(
    store: Storage, peek: Peek, empty_url: str
) -> None:
    day_of_scrapes(store, YESTERDAY)

    store.maintain(NOW)

    # PostgreSQL: the day's partition is truncated, not left full of dead rows. SQLite: the
    # pages its rows took go back to the file system, none is left on the free list.
    free = "(SELECT freelist_count FROM pragma_freelist_count())"
    size = "pg_relation_size('samples_p20250615')" if "postgresql" in empty_url else free
    assert peek(f"SELECT {size}, count(*) FROM samples") == [(0, 0)]


_COMPACTOR = """
import sys, time
from storage import Storage, compaction
# A transaction per series, each a little slower, so the kill lands between many of them.
compaction.BATCH = 1
batch = compaction._batch
compaction._batch = lambda *args: (time.sleep(0.005), batch(*args))[1]
Storage.open(sys.argv[1]).maintain(int(sys.argv[2]))
"""


def test_a_compaction_killed_halfway_loses_and_doubles_nothing(
    open_store: StoreFactory, empty_url: str, peek: Peek, stored_samples: Callable[[], int]
) -> None:
    store = open_store()
    many = [Sample("m", labels(n=str(n)), float(n)) for n in range(1500)]
    store.write([record(many, t=YESTERDAY + i * HOUR) for i in range(4)])
    before = store.query_range(RangeQuery("m", [], YESTERDAY, TODAY, HOUR // 2, "avg")).series

    child = subprocess.Popen([sys.executable, "-c", _COMPACTOR, empty_url, str(NOW)])
    try:
        halfway = _wait_for_progress(peek, at_least=200)
    finally:
        child.kill()
        child.wait(timeout=30)
    chunked = peek("SELECT coalesce(sum(count), 0) FROM sample_chunks")[0][0]
    open_store().maintain(NOW)

    assert halfway
    assert 0 < chunked < 6000
    assert stored_samples() == 6000
    assert peek("SELECT count(*) FROM samples") == [(0,)]
    assert (
        store.query_range(RangeQuery("m", [], YESTERDAY, TODAY, HOUR // 2, "avg")).series == before
    )


def _wait_for_progress(peek: Peek, at_least: int) -> bool:
    """Whether the compactor got past ``at_least`` series within 120 s (a loaded machine
    takes seconds just to start it)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = peek("SELECT value FROM maintenance_state WHERE key = 'compacting_from_id'")
        if found and found[0][0] >= at_least:
            return True
        time.sleep(0.005)
    return False

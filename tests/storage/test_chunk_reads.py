"""Raw reads find a compacted day's samples through its chunk, however late in the day the
range starts (storage/history.py bounds the chunks it asks for by the window one holds)."""

from __future__ import annotations

from storage import Storage, compaction, history
from tests.storage.builders import DAY, HOUR, NOW, raw_read, record, sample

YESTERDAY = NOW - NOW % DAY - DAY
MINUTE = 60_000


def times_read(url: str, low: int, high: int) -> dict[str, list[int]]:
    return {name: times for name, (times, _) in raw_read(url, low, high).items()}


def test_the_last_minutes_of_a_compacted_day_are_read_from_its_chunk(
    store: Storage, empty_url: str
) -> None:
    late = [YESTERDAY + DAY - m * MINUTE for m in (8, 4, 1)]
    for t in [YESTERDAY, *late]:
        store.write([record([sample("a", 1.0)], t=t)])
    store.maintain(NOW)

    last_minutes = times_read(empty_url, YESTERDAY + DAY - 5 * MINUTE, YESTERDAY + DAY - 1)
    assert last_minutes == {"a": late[1:]}


def test_a_range_over_two_compacted_days_reads_both_chunks(store: Storage, empty_url: str) -> None:
    times = [YESTERDAY - DAY + 23 * HOUR, YESTERDAY + HOUR]
    for t in times:
        store.write([record([sample("a", 1.0)], t=t)])
    store.maintain(NOW)

    assert times_read(empty_url, YESTERDAY - DAY + 22 * HOUR, YESTERDAY + 2 * HOUR) == {"a": times}


def test_reads_bound_chunks_by_the_window_compaction_writes_one_for() -> None:
    assert history.CHUNK_MS == compaction.WINDOW_MS

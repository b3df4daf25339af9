"""Head chunks: the open day's closed hours are read from a head chunk per series below
the day's watermark, its plain rows kept, and a late sample below the watermark is still read."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection

from model.samples import Sample
from storage import Storage, codec, history, scan
from storage.backend import Backend
from storage.heads import Heads
from tests.storage.builders import DAY, HOUR, NOW, labels, range_answers, raw_read, record, sample

MINUTE = 60_000
TODAY = NOW - NOW % DAY
YESTERDAY = TODAY - DAY
Peek = Callable[[str], list[tuple[Any, ...]]]
WATERMARKS = "SELECT key, value FROM maintenance_state WHERE key LIKE 'head%' ORDER BY key"


def scrapes(store: Storage, start: int, count: int) -> None:
    """Two counters and a gauge with a NaN and +Inf in it, one scrape each 2 minutes."""
    records = []
    for i in range(count):
        counter = [Sample("c", labels(cpu=str(n)), float(i % 200) * 1.5 + n) for n in range(2)]
        gauge = math.nan if i == 7 else math.inf if i == 9 else 100.0 - i / 8
        records.append(record([*counter, sample("g", gauge)], t=start + i * 2 * MINUTE))
    store.write(records)


def test_the_open_days_closed_windows_become_head_chunks_and_its_plain_rows_stay(
    store: Storage, peek: Peek
) -> None:
    scrapes(store, TODAY, 360)

    report = store.maintain(NOW)

    # Noon less compaction's 15 minutes: the hours up to 11:00 are closed.
    assert (report.head_windows_chunked, report.head_samples_chunked) == (11, 11 * 30 * 3)
    # One head chunk per series, grown window by window.
    assert peek("SELECT start, count FROM sample_chunks WHERE series_id = 1") == [(TODAY, 330)]
    assert peek("SELECT count(*) FROM samples") == [(360 * 3,)]
    assert peek(WATERMARKS) == [(f"head_until_{TODAY}", TODAY + 11 * HOUR)]


def test_a_window_of_today_is_read_from_its_chunk_and_answers_as_its_plain_rows(
    store: Storage, peek: Peek, empty_url: str
) -> None:
    scrapes(store, TODAY, 360)
    before = range_answers(store, TODAY, NOW)
    store.maintain(NOW)
    # Behind the store's back: were the plain rows below the watermark read, this would show.
    _execute(empty_url, f"UPDATE samples SET value = -7 WHERE t < {TODAY + 11 * HOUR}")

    assert range_answers(store, TODAY, NOW) == before


def test_the_watermark_moves_as_more_windows_close(store: Storage, peek: Peek) -> None:
    scrapes(store, TODAY, 360 + 120)
    store.maintain(NOW)

    report = store.maintain(NOW + 2 * HOUR)

    assert report.head_windows_chunked == 2
    assert peek(WATERMARKS) == [(f"head_until_{TODAY}", TODAY + 13 * HOUR)]


def test_a_late_sample_below_the_watermark_is_read_and_chunked_again(
    store: Storage, peek: Peek, empty_url: str
) -> None:
    scrapes(store, TODAY, 360)
    store.maintain(NOW)
    late = TODAY + 3 * HOUR + MINUTE

    store.write([record([sample("g", 42.0, timestamp_ms=late)], t=NOW)])

    assert peek(WATERMARKS) == [(f"head_until_{TODAY}", TODAY + 3 * HOUR)]
    assert _gauge_at(empty_url, late) == 42.0
    report = store.maintain(NOW)
    assert report.head_windows_chunked == 8
    assert peek(WATERMARKS) == [(f"head_until_{TODAY}", TODAY + 11 * HOUR)]
    assert peek("SELECT start, count FROM sample_chunks WHERE series_id = 3") == [(TODAY, 331)]
    assert _gauge_at(empty_url, late) == 42.0


def test_a_write_into_the_window_being_chunked_keeps_the_watermark_below_it(
    store: Storage, peek: Peek, empty_url: str
) -> None:
    scrapes(store, TODAY, 90)
    backend = Backend(empty_url)
    heads = Heads(backend)
    # The first window marked pending, as a run does before it reads the window's rows.
    assert heads._next_window(TODAY + HOUR) == TODAY

    store.write([record([sample("g", 42.0, timestamp_ms=TODAY + MINUTE)], t=TODAY + HOUR)])
    heads._compact(TODAY)
    backend.close()

    assert peek(WATERMARKS) == []
    assert _gauge_at(empty_url, TODAY + MINUTE) == 42.0


def test_the_days_final_compaction_leaves_one_chunk_per_series_as_without_head_chunks(
    store: Storage, peek: Peek
) -> None:
    scrapes(store, YESTERDAY, 720)
    store.maintain(YESTERDAY + 20 * HOUR)
    assert peek(WATERMARKS) == [(f"head_until_{YESTERDAY}", YESTERDAY + 19 * HOUR)]
    before = range_answers(store, YESTERDAY, TODAY)

    store.maintain(NOW)

    # Yesterday's watermark is gone with its head chunks; today (empty) has its own.
    assert [key for key, _ in peek(WATERMARKS)] == [f"head_until_{TODAY}"]
    assert (
        peek("SELECT start, count FROM sample_chunks ORDER BY series_id") == [(YESTERDAY, 720)] * 3
    )
    assert peek("SELECT count(*) FROM samples") == [(0,)]
    assert range_answers(store, YESTERDAY, TODAY) == before
    # The very bytes the gauge's day of samples encodes to: a day chunk's density.
    times = np.arange(720, dtype=np.int64) * 2 * MINUTE + YESTERDAY
    values = np.array(
        [math.nan if i == 7 else math.inf if i == 9 else 100 - i / 8 for i in range(720)]
    )
    (data,) = peek("SELECT data FROM sample_chunks WHERE series_id = 3")[0]
    assert bytes(data) == codec.encode(times, values)


def _gauge_at(url: str, t: int) -> float:
    """The gauge's sample at ``t``, as storage's raw read gives it."""
    times, values = raw_read(url, t, t)["g"]
    assert times == [t]
    return values[0]


def _execute(url: str, sql: str) -> None:
    backend = Backend(url)
    try:
        with backend.writing() as conn:
            conn.exec_driver_sql(sql)
    finally:
        backend.close()


def test_plain_rows_are_read_around_each_days_chunked_span() -> None:
    marks = {TODAY: TODAY + 10 * HOUR, YESTERDAY: YESTERDAY}

    spans = history.plain_spans(YESTERDAY + HOUR, NOW, marks)

    assert spans == [(YESTERDAY + HOUR, TODAY - 1), (TODAY + 10 * HOUR, NOW)]


def test_the_minutes_above_the_watermark_are_read_without_a_chunk_statement(
    store: Storage, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scrapes(store, TODAY, 360)
    store.maintain(NOW)
    fetched: list[str] = []
    rows_of = scan.rows_of

    def recorded(conn: Connection, statement: Any) -> list[tuple[Any, ...]]:
        fetched.append(str(statement))
        return rows_of(conn, statement)

    monkeypatch.setattr(scan, "rows_of", recorded)
    backend = Backend(empty_url)
    try:
        with backend.reading() as conn:
            recent = history.read(conn, lambda c: c.isnot(None), TODAY + 11 * HOUR, NOW)
            older = history.read(conn, lambda c: c.isnot(None), TODAY + 10 * HOUR, NOW)
    finally:
        backend.close()

    assert len([statement for statement in fetched if "sample_chunks" in statement]) == 1  # older
    assert {times.size for times, _ in recent.values()} == {30}  # the half hour since 11:00
    assert {times.size for times, _ in older.values()} == {60}


def test_chunks_are_read_below_a_watermark_across_days_and_for_days_without_one() -> None:
    marks = {TODAY: TODAY + 11 * HOUR}

    assert not history.chunked_may(TODAY + 11 * HOUR, NOW, marks)
    assert history.chunked_may(TODAY + 11 * HOUR - 1, NOW, marks)
    assert history.chunked_may(TODAY + 11 * HOUR, TODAY + DAY, marks)
    assert history.chunked_may(YESTERDAY + HOUR, YESTERDAY + 2 * HOUR, marks)

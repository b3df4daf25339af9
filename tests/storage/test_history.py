"""Raw reads of many series at once: chunks and plain rows as numpy columns, without a Python
object per sample (storage/history.py, storage/scan.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sqlalchemy import select

from storage import Storage, scan, schema
from storage.backend import Backend
from storage.history import Columns, merged
from tests.storage.builders import DAY, HOUR, NOW, raw_read, record, sample

YESTERDAY = NOW - NOW % DAY - DAY


def test_scanned_sample_columns_equal_the_rows_the_database_returns(
    store: Storage, empty_url: str
) -> None:
    store.write([record([sample("a", 1.5), sample("b", math.nan), sample("c", -math.inf)], t=NOW)])
    store.write([record([sample("a", 2.5), sample("b", 7.0)], t=NOW + 60_000)])
    backend = Backend(empty_url)
    rows = select(schema.samples.c.series_id, schema.samples.c.t, schema.samples.c.value)
    try:
        with backend.reading() as conn:
            fetched = conn.execute(rows).all()
            scanned = scan.samples(conn, rows)
    finally:
        backend.close()
    ids, times, values = scanned
    # NULL is how a plain row stores NaN.
    expected = sorted((i, t, repr(math.nan if v is None else v)) for i, t, v in fetched)

    assert sorted(zip(ids.tolist(), times.tolist(), map(repr, values.tolist()), strict=True)) == (
        expected
    )
    assert [c.dtype.name for c in scanned] == ["int64", "int64", "float64"]


def test_read_gives_each_series_in_time_order_whatever_order_its_rows_were_written(
    store: Storage, empty_url: str
) -> None:
    for minute in (3, 1, 2, 0):
        t = NOW + minute * 60_000
        store.write([record([sample("a", float(minute)), sample("b", -float(minute))], t=t)])

    found = raw_read(empty_url, NOW, NOW + HOUR)

    times = [NOW + m * 60_000 for m in range(4)]
    assert found == {"a": (times, [0.0, 1.0, 2.0, 3.0]), "b": (times, [-0.0, -1.0, -2.0, -3.0])}


def test_read_merges_a_compacted_day_with_plain_rows_and_a_late_rewrite_wins(
    store: Storage, empty_url: str
) -> None:
    for hour in range(3):
        t = YESTERDAY + hour * HOUR
        store.write([record([sample("a", float(hour)), sample("b", 10.0 + hour)], t=t)])
    store.maintain(NOW)  # yesterday's samples are chunks now
    store.write([record([sample("a", 99.0)], t=YESTERDAY + HOUR)])  # late: beside its chunk
    store.write([record([sample("a", 5.0), sample("b", 15.0)], t=NOW)])

    found = raw_read(empty_url, YESTERDAY + HOUR, NOW)

    assert found == {
        "a": ([YESTERDAY + HOUR, YESTERDAY + 2 * HOUR, NOW], [99.0, 2.0, 5.0]),
        "b": ([YESTERDAY + HOUR, YESTERDAY + 2 * HOUR, NOW], [11.0, 12.0, 15.0]),
    }


def test_read_of_nothing_is_empty(store: Storage, empty_url: str) -> None:
    store.write([record([sample("a", 1.0)], t=NOW)])

    assert raw_read(empty_url, NOW + 1, NOW + HOUR) == {}


@pytest.mark.parametrize("far", [7, 2**62])  # 2**62: the ids and times overflow one sort key
def test_merged_orders_by_series_then_time_and_the_later_part_wins(far: int) -> None:
    chunked = Columns(
        np.array([3, 3, far]), np.array([NOW, NOW + 5, -NOW]), np.array([1.0, 2.0, 3.0])
    )
    plain = Columns(
        np.array([far, 3, 3]), np.array([NOW, NOW + 5, NOW - 5]), np.array([4.0, 5.0, 6.0])
    )

    found = merged([chunked, plain])

    assert (found.ids.tolist(), found.times.tolist(), found.values.tolist()) == (
        [3, 3, 3, far, far],
        [NOW - 5, NOW, NOW + 5, -NOW, NOW],
        [6.0, 1.0, 5.0, 3.0, 4.0],
    )

"""Storage.backfill: samples from no scrape (``db import``), each at its own timestamp."""

from __future__ import annotations

import pytest

from model.errors import InvalidSampleError
from model.samples import Metadata
from tests.storage.builders import HOUR, NOW, sample
from tests.storage.conftest import StoreFactory, select_rows


def test_backfilled_samples_are_stored_at_their_own_timestamps(
    open_store: StoreFactory, empty_url: str
) -> None:
    store = open_store()

    store.backfill([sample("node_load1", 0.5, NOW - 2 * HOUR), sample("node_load1", 0.7, NOW)])

    rows = select_rows(empty_url, "SELECT t, value FROM samples ORDER BY t")
    assert rows == [(NOW - 2 * HOUR, 0.5), (NOW, 0.7)]


def test_a_backfill_changes_no_targets_health(open_store: StoreFactory) -> None:
    store = open_store()

    store.backfill([sample("node_load1", 0.5, NOW)], {"node_load1": Metadata("gauge")})

    assert store.targets() == []


def test_a_backfilled_sample_without_a_timestamp_refuses_the_batch(
    open_store: StoreFactory, empty_url: str
) -> None:
    store = open_store()

    with pytest.raises(InvalidSampleError, match="needs a timestamp"):
        store.backfill([sample("node_load1", 0.5, NOW), sample("node_load1", 0.7)])

    assert select_rows(empty_url, "SELECT count(*) FROM samples") == [(0,)]

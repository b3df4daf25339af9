"""A schema-5 database (plain rows only) upgrades in place and keeps every sample."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from model.samples import Sample
from scraper.cli import main_command
from storage import RangeQuery, Storage
from tests.storage.builders import DAY, labels, record
from tests.storage.conftest import StoreFactory

MINUTE = 60_000
# The command maintains by the wall clock, so the data is of the last days.
TODAY = time.time_ns() // 1_000_000 // DAY * DAY
START = TODAY - 3 * DAY
Peek = Callable[[str], list[tuple[Any, ...]]]


def as_schema_5(url: str) -> None:
    """What a database written by the code before chunks looked like: no sample_chunks table
    (nor the later steps' tables), no step 6 or later recorded."""
    engine = create_engine(url)
    with engine.begin() as conn:
        later = (
            *("registered_servers", "target_sources", "alerting_reports", "notification_tests"),
            "alerting_entries",
        )
        for table in ("sample_chunks", *later):
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("DELETE FROM schema_version WHERE version >= 6"))
    engine.dispose()


def answers(store: Storage) -> list[object]:
    queries = [RangeQuery("c", [], START, TODAY + DAY, 10 * MINUTE, fn) for fn in ("avg", "rate")]
    return [[(s.labels, p) for s, p in result.series] for result in store.query_ranges(queries)]


def test_db_upgrade_compacts_a_schema_5_database_and_keeps_every_sample(
    open_store: StoreFactory,
    empty_url: str,
    peek: Peek,
    stored_samples: Callable[[], int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = open_store()
    scrapes = [
        [Sample("c", labels(cpu=str(n)), float(i * (n + 1))) for n in range(5)]
        for i in range(3 * 24 * 12 + 30)
    ]
    store.write([record(samples, t=START + i * 5 * MINUTE) for i, samples in enumerate(scrapes)])
    before = answers(store)
    as_schema_5(empty_url)

    assert main_command(["db", "upgrade", "--database-url", empty_url]) == 0

    out = capsys.readouterr().out
    assert out == "schema steps applied: [6, 7, 8, 9]; compacted 4,320 samples in 3 day(s)\n"
    assert (stored_samples(), peek("SELECT count(*) FROM samples")) == (4470, [(150,)])
    assert answers(open_store()) == before

"""Versioned schema: upgrade from empty, idempotent upgrade, refusal of a newer database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from model.errors import SchemaError, StorageError
from storage import Storage, partitions
from storage.backend import Backend
from storage.migrations import LATEST, STEPS
from storage.partitions import day_of
from tests.storage.builders import NOW, record, sample


@pytest.fixture
def fresh(empty_url: str) -> Iterator[Storage]:
    store = Storage.open(empty_url)
    yield store
    store.close()


def test_upgrade_from_empty_applies_every_version(fresh: Storage) -> None:
    assert fresh.upgrade() == list(range(1, LATEST + 1))


def test_a_version_1_database_is_upgraded_by_the_later_steps_only(
    fresh: Storage, empty_url: str
) -> None:
    backend = Backend(empty_url)
    with backend.writing() as conn:
        STEPS[0](conn)
        conn.execute(text("INSERT INTO schema_version VALUES (1, 0)"))
    backend.close()

    assert fresh.upgrade() == list(range(2, LATEST + 1))
    assert fresh.scrapers() == []


def test_upgrade_twice_applies_nothing_the_second_time(fresh: Storage) -> None:
    fresh.upgrade()

    assert fresh.upgrade() == []


def test_writing_to_a_database_never_upgraded_asks_for_an_upgrade(fresh: Storage) -> None:
    needs = rf"version 0, this code needs {LATEST}: run hostwatch-scraper db upgrade"
    with pytest.raises(SchemaError, match=needs):
        fresh.write([record([sample("m", 1.0)])])


def test_a_database_newer_than_the_code_is_refused(fresh: Storage, empty_url: str) -> None:
    fresh.upgrade()
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_version VALUES (:v, 0)"), {"v": LATEST + 1})
    engine.dispose()
    newer = f"version {LATEST + 1}, newer than this code's {LATEST}"

    with Storage.open(empty_url) as store:
        with pytest.raises(SchemaError, match=newer):
            store.upgrade()
        with pytest.raises(SchemaError, match=newer):
            store.targets()


def test_a_plain_postgresql_url_uses_psycopg2(empty_postgresql: str) -> None:
    store = Storage.open(empty_postgresql.replace("postgresql+psycopg2://", "postgresql://"))
    try:
        assert store.upgrade() != []
    finally:
        store.close()


def test_a_malformed_url_is_a_storage_error_that_does_not_echo_it() -> None:
    with pytest.raises(StorageError, match="not of the form scheme://") as caught:
        Storage.open("secret-password@nowhere")
    assert "secret" not in str(caught.value)


def test_postgresql_partitions_get_a_brin_index_on_time(empty_postgresql: str) -> None:
    with Storage.open(empty_postgresql) as store:
        store.upgrade()
        store.write([record([sample("m", 1.0)])])
    engine = create_engine(empty_postgresql)
    with engine.connect() as conn:
        found = conn.scalars(
            text(
                "SELECT indexdef FROM pg_indexes WHERE indexdef LIKE '%USING brin%' "
                "ORDER BY indexname DESC"
            )
        ).all()
    engine.dispose()

    assert found == [
        "CREATE INDEX samples_t ON ONLY public.samples USING brin (t) "
        "WITH (pages_per_range='32', autosummarize='on')",
        f"CREATE INDEX {partitions.name_of(day_of(NOW))}_t_idx "
        f"ON public.{partitions.name_of(day_of(NOW))} USING brin (t) "
        "WITH (pages_per_range='32', autosummarize='on')",
    ]

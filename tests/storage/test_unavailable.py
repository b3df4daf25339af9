"""A database that cannot be reached, or drops the connection mid-write, is StorageUnavailable;
the same batch can be retried and is then stored exactly once."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Connection, create_engine, text

from model.errors import StorageUnavailable
from storage import ScrapeRecord, Storage
from tests.storage.builders import NOW, record, sample
from tests.storage.conftest import count

CLOSED_PORT = "postgresql+psycopg2://postgres@127.0.0.1:1/test"


@pytest.mark.parametrize("url", [CLOSED_PORT, "sqlite:////nonexistent/dir/hostwatch.db"])
def test_unreachable_database_is_storage_unavailable(url: str) -> None:
    with Storage.open(url) as store:
        with pytest.raises(StorageUnavailable, match="database unavailable"):
            store.upgrade()
        with pytest.raises(StorageUnavailable):
            store.write([record([sample("m", 1.0)])])


def counts(url: str) -> tuple[int, ...]:
    return tuple(count(url, table) for table in ("samples", "series", "targets"))


def kill_writer_once_it_blocks(admin: Connection, database: str) -> None:
    """Wait for the writer to block on the lock held by `admin`, then end its backend."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        killed = admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :db AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        ).all()
        if killed:
            return
        time.sleep(0.02)
    pytest.fail("the writer never blocked on the targets lock")


def write_in_thread(store: Storage, batch: list[ScrapeRecord]) -> list[BaseException]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            store.write(batch)
        except StorageUnavailable as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=15)
    assert not thread.is_alive(), "the write hung after its connection was killed"
    return errors


def test_connection_killed_mid_write_leaves_nothing_and_a_retry_stores_once(
    empty_postgresql: str,
) -> None:
    store = Storage.open(empty_postgresql)
    store.upgrade()
    batch = [record([sample("m", float(i), mode=str(i)) for i in range(50)], t=NOW)]
    admin_engine = create_engine(empty_postgresql)
    with admin_engine.connect() as admin:
        # Hold the targets table so the write stops after its series and samples, then kill it.
        admin.execute(text("LOCK TABLE targets IN EXCLUSIVE MODE"))
        killer = threading.Thread(
            target=kill_writer_once_it_blocks,
            args=(admin, empty_postgresql.rsplit("/", 1)[1]),
        )
        killer.start()
        errors = write_in_thread(store, batch)
        killer.join()
        admin.rollback()
    admin_engine.dispose()

    assert [type(e) for e in errors] == [StorageUnavailable]
    assert counts(empty_postgresql) == (0, 0, 0)
    store.write(batch)
    store.write(batch)
    assert counts(empty_postgresql) == (50, 50, 1)
    store.close()

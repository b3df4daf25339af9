"""docs/operations.md's backup and restore: pg_dump -Fc, then pg_restore into a new database."""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from storage import RangeQuery, RangeResult, Storage, TargetHealth
from tests.conftest import require_tool
from tests.storage.builders import HOUR, NOW

LOAD = RangeQuery("node_load1", [], NOW - 3 * HOUR, NOW, 60_000 * 5)


def run(tool: str, *arguments: str) -> None:
    subprocess.run([require_tool(tool), *arguments], check=True, timeout=120)


@pytest.fixture
def restore_target(fleet_database: str) -> Iterator[str]:
    """The URL of a new, empty database beside the fleet's, dropped afterwards."""
    url = make_url(fleet_database).set(database=f"hostwatch_restore_{secrets.token_hex(4)}")
    server = ["-h", str(url.host), "-p", str(url.port), "-U", str(url.username)]
    run("createdb", *server, str(url.database))
    yield url.render_as_string(hide_password=False)
    run("dropdb", *server, "--force", str(url.database))


def dump_and_restore(source: str, target: str, directory: Path, *dump_options: str) -> None:
    """pg_dump -Fc of ``source``, pg_restore of it into ``target`` (as docs/operations.md)."""
    dump = directory / "hostwatch.dump"
    libpq = make_url(source).set(drivername="postgresql").render_as_string(hide_password=False)
    run("pg_dump", "-Fc", *dump_options, "-d", libpq, "-f", str(dump))
    restored = make_url(target).set(drivername="postgresql").render_as_string(hide_password=False)
    run("pg_restore", "--no-owner", "-j", "2", "-d", restored, str(dump))


def read(url: str) -> tuple[list[TargetHealth], RangeResult]:
    """What the web app reads: the targets, and a range query over the raw samples."""
    store = Storage.open(url, clock=lambda: NOW)
    try:
        return store.targets(), store.query_range(LOAD)
    finally:
        store.close()


@pytest.mark.slow
def test_a_restored_dump_reads_the_same_targets_and_samples(
    fleet_database: str, restore_target: str, tmp_path: Path
) -> None:
    dump_and_restore(fleet_database, restore_target, tmp_path)
    targets, load = read(restore_target)

    assert (targets, load) == read(fleet_database)
    assert (len(targets), len(load.series)) == (3, 2)  # the fleet's servers, web1's and db1's load


@pytest.mark.slow
def test_a_dump_without_the_raw_samples_keeps_the_targets_and_no_samples(
    fleet_database: str, restore_target: str, tmp_path: Path
) -> None:
    dump_and_restore(fleet_database, restore_target, tmp_path, "--exclude-table-data=samples_p*")
    targets, load = read(restore_target)

    assert targets == read(fleet_database)[0]
    assert load.series == []

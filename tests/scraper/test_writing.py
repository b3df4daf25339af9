"""The write buffer's writes in a child process: batches cross packed and are stored as storage
stores them, refused with storage's own errors; a child that died is started again."""

from __future__ import annotations

import multiprocessing
import pickle
import socket
from collections.abc import Iterator

import pytest

from model.errors import InvalidSampleError, StorageUnavailable
from model.limits import Limits
from model.samples import Metadata, Sample
from scraper.writing import Packer, ProcessWriter, Unpacker, WriterOptions
from storage import Retention, ScrapeRecord, Storage

BASE_MS = 1_800_000_000_000
TARGET = (("instance", "web-1:9100"), ("job", "node"))


def scrape(n: int, *samples: Sample, error: str | None = None) -> ScrapeRecord:
    help_ = {"load": Metadata("gauge", "Load.", "")}
    return ScrapeRecord(
        "node", "web-1:9100", TARGET, BASE_MS + n * 1000, 0.25, error, list(samples), help_
    )


def gauge(name: str, value: float, t: int | None = None, **labels: str) -> Sample:
    return Sample(name, tuple(sorted({**dict(TARGET), **labels}.items())), value, t)


def test_records_unpack_as_they_were_packed_the_series_sent_once() -> None:
    packer, unpacker = Packer(), Unpacker()
    first = [
        scrape(0, gauge("load", 0.5), gauge("load", 1.5, cpu="1"), gauge("up", 1.0)),
        scrape(1, gauge("late", 2.0, BASE_MS - 5), gauge("load", 0.25)),
        scrape(2, error="connection refused"),
    ]
    second = [scrape(3, gauge("load", 0.75, BASE_MS + 3000), gauge("new", -0.0, cpu="0"))]
    packed = [pickle.loads(pickle.dumps(packer.pack(batch))) for batch in (first, second)]
    assert [unpacker.unpack(batch) for batch in packed] == [first, second]
    assert [len(batch.series) for batch in packed] == [4, 1]


def test_a_packer_that_forgot_its_series_sends_them_again() -> None:
    packer, unpacker = Packer(), Unpacker()
    batch = [scrape(0, gauge("load", 0.5))]
    unpacker.unpack(packer.pack(batch))
    packer.forget()
    again = packer.pack(batch)
    assert (again.first, again.series) == (0, [("load", batch[0].samples[0].labels)])
    assert Unpacker().unpack(again) == unpacker.unpack(again) == batch


@pytest.fixture
def writer(database_url: str) -> Iterator[ProcessWriter]:
    process = ProcessWriter(WriterOptions(database_url, Retention(), Limits()))
    yield process
    process.close()


def test_the_writer_process_stores_a_batch_as_storage_does(
    writer: ProcessWriter, store: Storage
) -> None:
    writer.write([scrape(0, gauge("load", 0.5)), scrape(1, gauge("load", 1.5))])
    (latest,) = store.latest("node", "web-1:9100")
    assert (latest.series.name, latest.value, latest.timestamp_ms) == ("load", 1.5, BASE_MS + 1000)
    assert store.target("node", "web-1:9100").health == "up"  # type: ignore[union-attr]


def test_a_batch_storage_refuses_raises_its_error_here(
    writer: ProcessWriter, store: Storage
) -> None:
    with pytest.raises(InvalidSampleError, match="max_label_value_length"):
        writer.write([scrape(0, gauge("load", 0.5, path="x" * 5000))])
    assert store.latest("node", "web-1:9100") == []


def test_a_writer_process_that_died_fails_that_write_then_is_started_again(
    writer: ProcessWriter, store: Storage
) -> None:
    writer.write([scrape(0, gauge("load", 0.5))])
    for child in multiprocessing.active_children():
        if child.name == "hostwatch-writer":
            child.kill()
            child.join()
    with pytest.raises(StorageUnavailable, match="writer process stopped"):
        writer.write([scrape(1, gauge("load", 1.5))])
    writer.write([scrape(1, gauge("load", 1.5))])
    (latest,) = store.latest("node", "web-1:9100")
    assert (latest.value, latest.timestamp_ms) == (1.5, BASE_MS + 1000)


def test_an_unreachable_database_is_storage_unavailable_here() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    writer = ProcessWriter(
        WriterOptions(f"postgresql+psycopg2://postgres@127.0.0.1:{port}/x", Retention(), Limits())
    )
    try:
        with pytest.raises(StorageUnavailable):
            writer.write([scrape(0, gauge("load", 0.5))])
    finally:
        writer.close()

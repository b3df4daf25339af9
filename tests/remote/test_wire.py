"""The sender's hand-written protobuf encoding is byte for byte what protobuf writes."""

from __future__ import annotations

import math
import struct

import cramjam
import pytest

from scraper.remote import wire
from scraper.remote.prompb.remote_pb2 import WriteRequest
from scraper.remote.prompb.types_pb2 import Label, Sample, TimeSeries
from scraper.remote.sender import Point, encode


def by_protobuf(batch: list[Point]) -> bytes:
    """The same batch built as protobuf messages and serialized by the protobuf runtime."""
    return WriteRequest(
        timeseries=[
            TimeSeries(
                labels=[Label(name=k, value=v) for k, v in sorted((("__name__", name), *labels))],
                samples=[Sample(value=value, timestamp=t)],
            )
            for name, labels, value, t in batch
        ]
    ).SerializeToString()


BATCHES = {
    "a scrape": [
        ("up", (("instance", "host:9100"), ("job", "node")), 1.0, 1_764_633_600_000),
        ("node_load1", (("instance", "host:9100"), ("job", "node")), 0.25, 1_764_633_600_000),
    ],
    "a label value longer than 127 bytes": [("m", (("id", "x" * 300),), 2.5, 1)],
    "non-ASCII text and an empty value": [("m", (("city", "Zürich"), ("empty", "")), -0.0, 0)],
    "a series made of the name alone": [("m", (), 7.0, 1_000)],
    "a zero at time zero": [("m", (("k", "v"),), 0.0, 0)],
    "a timestamp before 1970": [("m", (("job", "j"),), 1.0, -1_000)],
    "special values": [("m", (("k", "v"),), value, 5) for value in (math.inf, -math.inf, 1e308)],
}


@pytest.mark.parametrize("batch", BATCHES.values(), ids=BATCHES.keys())
def test_the_encoded_batch_is_what_protobuf_writes(batch: list[Point]) -> None:
    sent = bytes(cramjam.snappy.decompress_raw(encode(batch)))
    assert sent == by_protobuf(batch)


def test_a_staleness_marker_keeps_its_nan_bits() -> None:
    stale = struct.unpack("<d", struct.pack("<Q", 0x7FF0000000000002))[0]
    request = WriteRequest.FromString(
        wire.decompress(encode([("m", (("k", "v"),), stale, 5)]), 1 << 20)
    )
    sent = request.timeseries[0].samples[0].value
    assert struct.pack("<d", sent) == struct.pack("<Q", 0x7FF0000000000002)

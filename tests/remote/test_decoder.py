"""The receiver's own reading of a WriteRequest is what protobuf's parser reads, and a malformed
body is a 400 naming what is wrong, never another error or a hang."""

from __future__ import annotations

import math
import random
import struct
from typing import Any

import pytest
from google.protobuf.message import DecodeError

from model.errors import PushError
from scraper.remote import decoder
from scraper.remote.prompb.remote_pb2 import WriteRequest
from scraper.remote.prompb.types_pb2 import Exemplar, Label, MetricMetadata, Sample, TimeSeries

Read = tuple[list[tuple[list[tuple[str, str]], bytes, int]], dict[str, Any]]
HOST = [("__name__", "up"), ("instance", "host:9100"), ("job", "node")]


def series(pairs: list[tuple[str, str]], *points: tuple[float, int]) -> TimeSeries:
    return TimeSeries(
        labels=[Label(name=k, value=v) for k, v in pairs],
        samples=[Sample(value=v, timestamp=t) for v, t in points],
    )


def bits(value: float) -> bytes:
    """A value compared by its bits: NaN equals NaN, -0.0 differs from 0.0."""
    return struct.pack("<d", value)


def by_protobuf(raw: bytes) -> Read:
    request = WriteRequest.FromString(raw)
    return (
        [
            ([(label.name, label.value) for label in s.labels], bits(point.value), point.timestamp)
            for s in request.timeseries
            for point in s.samples
        ],
        {
            m.metric_family_name: (_type_name(m.type), m.help, m.unit)
            for m in request.metadata
            if m.metric_family_name
        },
    )


def _type_name(number: int) -> str:
    """A type's name; proto3 enums are open, so an unknown number parses too."""
    return decoder.METADATA_TYPES[number] if number < len(decoder.METADATA_TYPES) else "unknown"


def by_decoder(raw: bytes, known: frozenset[bytes] = frozenset()) -> Read:
    """What the decoder reads, each series' labels read from its key as the receiver does."""
    request = decoder.read(raw, 1 << 20, known)
    return (
        [(decoder.labels_of(key), bits(value), t) for key, value, t in request.points],
        {name: tuple(m) for name, m in request.metadata.items()},
    )


STALE = struct.unpack("<d", struct.pack("<Q", 0x7FF0000000000002))[0]
REQUESTS = {
    "a scrape": WriteRequest(
        timeseries=[series(HOST, (1.0, 1_764_633_600_000)), series(HOST, (0.25, 1))]
    ),
    "several samples per series": WriteRequest(
        timeseries=[series(HOST, (1.0, 1_000), (2.0, 2_000), (3.0, 3_000))]
    ),
    "a label value longer than 127 bytes": WriteRequest(
        timeseries=[series([("__name__", "m"), ("id", "x" * 300)], (2.5, 1))]
    ),
    "non-ASCII text and an empty value": WriteRequest(
        timeseries=[series([("__name__", "m"), ("city", "Zürich"), ("e", "")], (-0.0, 0))]
    ),
    "a timestamp before 1970": WriteRequest(timeseries=[series(HOST, (1.0, -1_000))]),
    "special values": WriteRequest(
        timeseries=[
            series(HOST, (v, 5)) for v in (math.inf, -math.inf, 1e308, math.nan, STALE, 0.0)
        ]
    ),
    "a series without samples": WriteRequest(timeseries=[series(HOST)]),
    "exemplars, skipped": WriteRequest(
        timeseries=[
            TimeSeries(
                labels=[Label(name="__name__", value="m")],
                samples=[Sample(value=1.0, timestamp=9)],
                exemplars=[Exemplar(labels=[Label(name="trace", value="ab")], value=1.0)],
            )
        ]
    ),
    "metadata": WriteRequest(
        metadata=[
            MetricMetadata(
                type=MetricMetadata.COUNTER, metric_family_name="c", help="Hélp.", unit="bytes"
            ),
            MetricMetadata(type=MetricMetadata.STATESET, metric_family_name="s"),
            MetricMetadata(type=MetricMetadata.GAUGE, help="nameless, left out"),
        ]
    ),
    "nothing": WriteRequest(),
}


@pytest.mark.parametrize("request_", REQUESTS.values(), ids=REQUESTS.keys())
def test_the_decoder_reads_what_protobuf_reads(request_: WriteRequest) -> None:
    raw = request_.SerializeToString()
    assert by_decoder(raw) == by_protobuf(raw)


def test_labels_after_a_sample_are_read_in_their_order() -> None:
    label = Label(name="job", value="node").SerializeToString()
    sample = Sample(value=1.0, timestamp=7).SerializeToString()
    name = Label(name="__name__", value="up").SerializeToString()
    body = b"".join(
        tag + bytes([len(field)]) + field
        for tag, field in ((b"\x0a", name), (b"\x12", sample), (b"\x0a", label))
    )
    raw = b"\x0a" + bytes([len(body)]) + body
    assert by_decoder(raw) == by_protobuf(raw)
    assert by_decoder(raw)[0][0][0] == [("__name__", "up"), ("job", "node")]


def keys(raw: bytes) -> frozenset[bytes]:
    """The series of ``raw`` as the receiver knows them once it has read them."""
    return frozenset(key for key, _, _ in decoder.read(raw, 1 << 20).points)


@pytest.mark.parametrize("request_", REQUESTS.values(), ids=REQUESTS.keys())
def test_known_series_are_read_as_protobuf_reads_them(request_: WriteRequest) -> None:
    raw = request_.SerializeToString()
    assert by_decoder(raw, keys(raw)) == by_protobuf(raw)


def test_unknown_fields_of_every_wire_type_are_skipped_as_protobuf_skips_them() -> None:
    unknown = b"\x78\x96\x01" + b"\x81\x01" + b"\0" * 8 + b"\x8a\x01\x02ab" + b"\x95\x01abcd"
    raw = WriteRequest(timeseries=[series(HOST, (1.0, 5))]).SerializeToString() + unknown
    assert by_decoder(raw) == by_protobuf(raw)


def test_the_same_series_has_the_same_key_in_every_request() -> None:
    first = decoder.read(WriteRequest(timeseries=[series(HOST, (1.0, 5))]).SerializeToString(), 9)
    again = decoder.read(WriteRequest(timeseries=[series(HOST, (2.0, 6))]).SerializeToString(), 9)
    assert first.points[0][0] == again.points[0][0]


MALFORMED = {
    "a series longer than the body": (b"\x0a\x10\x0a\x02", "runs past its message"),
    "a body cut inside a varint": (b"\x0a\x85", "runs past the end"),
    "a varint of 11 bytes": (b"\x08" + b"\xff" * 10 + b"\x01", "a varint longer than 10 bytes"),
    "a sample cut inside its value": (b"\x0a\x04\x12\x02\x09\x00", "runs past"),
    "field number 0": (b"\x00\x01", "field number 0"),
    "wire type 7": (b"\x0f\x01", "wire type 7"),
    "a label that is not UTF-8": (b"\x0a\x06\x0a\x04\x0a\x02\xff\xfe", "not UTF-8"),
    "a native histogram": (b"\x0a\x02\x22\x00", "native histograms are not supported"),
}


@pytest.mark.parametrize(("raw", "says"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_is_a_400_saying_what_is_wrong(raw: bytes, says: str) -> None:
    with pytest.raises(PushError) as refused:
        by_decoder(raw)
    assert refused.value.status == 400
    assert says in refused.value.reason


def test_more_samples_than_allowed_stop_the_reading_with_a_400() -> None:
    raw = WriteRequest(timeseries=[series(HOST, (1.0, t)) for t in range(5)]).SerializeToString()
    with pytest.raises(PushError, match="at least 4 samples in one request, over the limit of 3"):
        decoder.read(raw, 3)


def test_every_cut_or_changed_byte_reads_as_protobuf_reads_it_or_is_a_400() -> None:
    shown = ("a scrape", "several samples per series", "exemplars, skipped", "metadata")
    raw = b"".join(REQUESTS[name].SerializeToString() for name in shown)
    rng = random.Random(18)
    bodies = [raw[:cut] for cut in range(len(raw))]
    bodies += [_changed(raw, rng) for _ in range(3000)]
    known = keys(raw)
    for body in bodies:
        try:
            expected: Read | None = by_protobuf(body)
        except DecodeError:
            expected = None
        for read in (_read_or_status(body, frozenset()), _read_or_status(body, known)):
            assert read == 400 or read == expected, body


def _read_or_status(body: bytes, known: frozenset[bytes]) -> Read | int:
    try:
        return by_decoder(body, known)
    except PushError as refused:
        return refused.status


def _changed(raw: bytes, rng: random.Random) -> bytes:
    body = bytearray(raw)
    for _ in range(rng.randint(1, 3)):
        body[rng.randrange(len(body))] = rng.randrange(256)
    return bytes(body)

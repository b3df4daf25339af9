"""A WriteRequest read straight from protobuf's wire format, the mirror of the sender's encoder.

The protobuf runtime parses fast, but reading its objects back (a TimeSeries, a Label per label,
a Sample per sample) cost about 9 us per sample, most of the receiver's time. Here the request
is walked once: a series' labels stay the bytes they came as, which is the key of the cache
that knows the series (a known series costs a slice and a dict lookup), and its samples are
read with struct. Every length is checked against the bytes around it, so a malformed body is
a PushError 400 naming what is wrong, after at most one pass over it: never a hang.
Tests: tests/remote/test_decoder.py compares what it reads with protobuf's own parser.
"""

from __future__ import annotations

import struct
from collections.abc import Container
from dataclasses import dataclass, field

from model.errors import PushError
from model.samples import Metadata

Points = list[tuple[float, int]]  # (value, timestamp ms)
Point = tuple[bytes, float, int]  # a series' Label fields as sent, value, timestamp ms
_DOUBLE = struct.Struct("<d")
_INT64 = 1 << 64
_NOT_PROTOBUF = "body is not a protobuf WriteRequest"
# MetricMetadata.type, by its enum number.
METADATA_TYPES = (
    "unknown",
    "counter",
    "gauge",
    "histogram",
    "gaugehistogram",
    "summary",
    "info",
    "stateset",
)


@dataclass(slots=True)
class Request:
    """What a WriteRequest holds: each sample with the bytes of its series' Label fields."""

    points: list[Point] = field(default_factory=list)
    metadata: dict[str, Metadata] = field(default_factory=dict)


def read(raw: bytes, max_samples: int, known: Container[bytes] = frozenset()) -> Request:
    """The WriteRequest ``raw`` encodes; PushError 400 if it is not one, or holds more than
    ``max_samples`` samples (found out before the rest is read).

    ``known``: keys this function gave before whose labels the caller has checked. Bytes
    equal to one of them followed by a sample are that series and a sample, since fields are
    read from the start and a key is whole Label fields: no other reading of them exists.
    """
    request = Request()
    try:
        _walk(raw, request, max_samples, known)
    except (IndexError, struct.error):
        raise PushError(400, f"{_NOT_PROTOBUF}: a field runs past the end") from None
    return request


_TAIL = 18  # a Sample field as Prometheus writes it: 12 10 09 <double> 10 <6-byte varint>


def _walk(raw: bytes, request: Request, max_samples: int, known: Container[bytes]) -> None:
    end, p = len(raw), 0
    points = request.points
    times: dict[bytes, int] = {}  # a timestamp's 6 bytes: its value
    while p < end:
        start = p
        tag, p = _tag(raw, p)
        if tag == 0x0A:  # WriteRequest.timeseries
            length, p = _varint(raw, p)
            q = _within(p, length, end, start)
            point = _usual(raw, p, q, times, known)
            if point is not None:
                points.append(point)
            else:
                key, found = _series(raw, p, q)
                points += [(key, value, t) for value, t in found]
                if not found:  # checked here, as no caller sees it
                    labels_of(key)
            if len(points) > max_samples:
                raise PushError(
                    400,
                    f"at least {len(points):,} samples in one request, "
                    f"over the limit of {max_samples:,}",
                )
            p = q
        elif tag == 0x1A:  # WriteRequest.metadata
            length, p = _varint(raw, p)
            q = _within(p, length, end, start)
            _metadata(raw, p, q, request.metadata)
            p = q
        else:
            p = _skip(raw, p, tag, end, start)


def _usual(
    raw: bytes, p: int, end: int, times: dict[bytes, int], known: Container[bytes]
) -> Point | None:
    """The series in raw[p:end] if it is a known series' labels and one sample, with a
    timestamp of this century, as Prometheus sends nearly every one; else None. The fast
    path: a few byte comparisons, two slices and two dict lookups."""
    m = end - _TAIL
    if m < p or raw[m] != 0x12 or raw[m + 1] != 0x10 or raw[m + 2] != 0x09:
        return None
    if raw[m + 11] != 0x10:
        return None
    key = raw[p:m]
    if key not in known:
        return None
    stamp = raw[m + 12 : end]
    t = times.get(stamp)
    if t is None:
        t, after = _varint(raw, m + 12)
        if after != end:
            return None
        times[stamp] = t
    return key, _DOUBLE.unpack_from(raw, m + 3)[0], t


def _series(raw: bytes, p: int, end: int) -> tuple[bytes, Points]:
    """A TimeSeries: (the bytes of its Label fields, in order, and its samples)."""
    first = last = -1
    scattered: list[bytes] = []
    points: Points = []
    while p < end:
        start = p
        tag, length = raw[p], raw[p + 1] if p + 1 < end else 0x80
        if tag == 0x0A and length < 0x80:  # a label of up to 127 bytes: no calls
            p += 2 + length
            if p > end:
                raise PushError(400, f"{_NOT_PROTOBUF}: a label at byte {start:,} runs past")
            tag = 0x0A
        else:
            tag, p = _tag(raw, p)
            if tag == 0x0A:
                length, p = _varint(raw, p)
                p = _within(p, length, end, start)
        if tag == 0x0A:  # TimeSeries.labels
            if first < 0:
                first, last = start, p
            elif start == last:
                last = p
            else:  # labels after a sample: the key stays the Label fields in their order
                scattered.append(raw[start:p])
        elif tag == 0x12:  # TimeSeries.samples
            length, p = _varint(raw, p)
            q = _within(p, length, end, start)
            points.append(_sample(raw, p, q))
            p = q
        elif tag == 0x1A:  # TimeSeries.exemplars: not kept, but checked as protobuf checks them
            length, p = _varint(raw, p)
            q = _within(p, length, end, start)
            _exemplar(raw, p, q)
            p = q
        elif tag == 0x22:  # TimeSeries.histograms
            raise PushError(400, "native histograms are not supported: send classic histograms")
        else:
            p = _skip(raw, p, tag, end, start)
    _ended(p, end)
    labels = raw[first:last] if first >= 0 else b""
    return (labels + b"".join(scattered) if scattered else labels), points


def _sample(raw: bytes, p: int, end: int) -> tuple[float, int]:
    if end - p == 16 and raw[p] == 0x09 and raw[p + 9] == 0x10:  # as Prometheus writes it
        t, after = _varint(raw, p + 10)
        if after == end:
            return _DOUBLE.unpack_from(raw, p + 1)[0], t
    value, t = 0.0, 0
    while p < end:
        start = p
        tag, p = _tag(raw, p)
        if tag == 0x09:  # Sample.value, a double
            (value,) = _DOUBLE.unpack_from(raw, p)
            p += 8
        elif tag == 0x10:  # Sample.timestamp, an int64
            t, p = _varint(raw, p)
            t &= _INT64 - 1
            if t >= _INT64 >> 1:
                t -= _INT64
        else:
            p = _skip(raw, p, tag, end, start)
    _ended(p, end)
    return value, t


def _exemplar(raw: bytes, p: int, end: int) -> None:
    while p < end:
        start = p
        tag, p = _tag(raw, p)
        if tag == 0x0A:  # Exemplar.labels
            length, p = _varint(raw, p)
            q = _within(p, length, end, start)
            _strings(raw, p, q, (0x0A, 0x12))
            p = q
        else:
            p = _skip(raw, p, tag, end, start)
    _ended(p, end)


def labels_of(raw: bytes) -> list[tuple[str, str]]:
    """The (name, value) pairs of the Label fields ``raw`` (a series' key) holds."""
    pairs = []
    p, end = 0, len(raw)
    try:
        while p < end:
            start = p
            p += 1  # the tag: these bytes were taken as TimeSeries.labels fields
            length, p = _varint(raw, p)
            q = _within(p, length, end, start)
            pairs.append(_usual_label(raw, p, q) or _label(raw, p, q))
            p = q
    except IndexError:
        raise PushError(400, f"{_NOT_PROTOBUF}: a label runs past the end") from None
    return pairs


def _label(raw: bytes, p: int, end: int) -> tuple[str, str]:
    name, value = _strings(raw, p, end, (0x0A, 0x12))
    return name, value


def _usual_label(raw: bytes, p: int, end: int) -> tuple[str, str] | None:
    """A Label as every sender writes it, name then value, each under 128 bytes; else None.
    A series' first sight reads its labels: this halves what that costs."""
    if raw[p] != 0x0A or raw[p + 1] >= 0x80:
        return None
    middle = p + 2 + raw[p + 1]
    if middle + 2 > end or raw[middle] != 0x12 or raw[middle + 1] >= 0x80:
        return None
    if middle + 2 + raw[middle + 1] != end:
        return None
    try:
        return raw[p + 2 : middle].decode(), raw[middle + 2 : end].decode()
    except UnicodeDecodeError as error:
        raise PushError(400, f"{_NOT_PROTOBUF}: a string is not UTF-8 ({error.reason})") from None


def _metadata(raw: bytes, p: int, end: int, into: dict[str, Metadata]) -> None:
    kind, start = 0, p
    name, help_, unit = _strings(raw, p, end, (0x12, 0x22, 0x2A))
    while p < end:  # the type (field 1), read apart: the only varint
        tag, p = _tag(raw, p)
        if tag == 0x08:
            kind, p = _varint(raw, p)
        else:
            p = _skip(raw, p, tag, end, start)
    _ended(p, end)
    if name:
        kinds = METADATA_TYPES
        into[name] = Metadata(kinds[kind] if kind < len(kinds) else "unknown", help_, unit)


def _strings(raw: bytes, p: int, end: int, tags: tuple[int, ...]) -> list[str]:
    """The string fields of tags ``tags`` of the message in raw[p:end] ("" if absent), the
    last of each as protobuf keeps it; the other fields skipped."""
    found = [b""] * len(tags)
    while p < end:
        start = p
        tag, p = _tag(raw, p)
        if tag in tags:
            length, p = _varint(raw, p)
            q = _within(p, length, end, start)
            found[tags.index(tag)] = raw[p:q]
            p = q
        else:
            p = _skip(raw, p, tag, end, start)
    _ended(p, end)
    try:
        return [data.decode() for data in found]
    except UnicodeDecodeError as error:
        raise PushError(400, f"{_NOT_PROTOBUF}: a string is not UTF-8 ({error.reason})") from None


def _tag(raw: bytes, p: int) -> tuple[int, int]:
    tag = raw[p]
    if tag >= 0x80:
        tag, p = _varint(raw, p)
    elif tag < 8:
        raise PushError(400, f"{_NOT_PROTOBUF}: field number 0 at byte {p:,}")
    else:
        p += 1
    return tag, p


def _varint(raw: bytes, p: int) -> tuple[int, int]:
    byte = raw[p]
    if byte < 0x80:
        return byte, p + 1
    number, shift, last = byte & 0x7F, 7, p + 10  # a varint has at most 10 bytes
    p += 1
    while p < last:
        byte = raw[p]
        p += 1
        number |= (byte & 0x7F) << shift
        if byte < 0x80:
            return number, p
        shift += 7
    raise PushError(400, f"{_NOT_PROTOBUF}: a varint longer than 10 bytes")


def _ended(p: int, end: int) -> None:
    """A message's last field (a varint read to its end) must end where the message does."""
    if p != end:
        raise PushError(400, f"{_NOT_PROTOBUF}: a field at byte {end:,} runs past its message")


def _within(p: int, length: int, end: int, start: int) -> int:
    if p + length > end:
        raise PushError(400, f"{_NOT_PROTOBUF}: a field at byte {start:,} runs past its message")
    return p + length


def _skip(raw: bytes, p: int, tag: int, end: int, start: int) -> int:
    """Past an unknown field, as protobuf skips it; groups (which protobuf would skip, and no
    remote write sender writes) and wire types 6-7 are errors."""
    kind = tag & 7
    if kind == 0:
        return _varint(raw, p)[1]
    if kind == 1:
        return _within(p, 8, end, start)
    if kind == 2:
        length, p = _varint(raw, p)
        return _within(p, length, end, start)
    if kind == 5:
        return _within(p, 4, end, start)
    raise PushError(400, f"{_NOT_PROTOBUF}: wire type {kind} at byte {start:,}")

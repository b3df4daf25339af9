"""The remote write 1.0 wire format: a protobuf WriteRequest in snappy's block format.

cramjam is the snappy codec (python-snappy 0.7 is itself a wrapper around it): its wheels
need no system library, and its declared-length check lets a body's decompressed size be
bounded before a byte of it is expanded.
"""

from __future__ import annotations

import cramjam

from model.errors import PushError
from scraper.remote.prompb.remote_pb2 import WriteRequest

CONTENT_TYPE = "application/x-protobuf"
ENCODING = "snappy"


def decompress(body: bytes, max_decoded: int) -> bytes:
    """The serialized WriteRequest ``body`` holds; PushError 400 (not snappy) or 413."""
    try:
        size = cramjam.snappy.decompress_raw_len(body)
    except cramjam.DecompressionError:
        raise PushError(400, "body is not snappy-compressed (block format expected)") from None
    if size > max_decoded:
        raise PushError(
            413, f"body decompresses to {size:,} bytes, over the limit of {max_decoded:,}"
        )
    try:
        return bytes(cramjam.snappy.decompress_raw(body))
    except cramjam.DecompressionError as error:
        raise PushError(400, f"body is not snappy-compressed: {error}") from None


def encode(request: WriteRequest) -> bytes:
    """``request`` as a body, serialized by protobuf (the tests' and the benchmark's)."""
    return compress(request.SerializeToString())


def compress(serialized: bytes) -> bytes:
    """A serialized WriteRequest in snappy's block format, as the body of a request."""
    return bytes(cramjam.snappy.compress_raw(serialized))

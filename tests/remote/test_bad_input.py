"""Bad input to the receiver: each a clear 4xx, nothing of it written, the receiver unharmed."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import cramjam
import httpx
import pytest

from scraper.remote.prompb.remote_pb2 import WriteRequest
from scraper.remote.pushers import PushLimits
from scraper.remote.receiver import PATH
from storage import Storage
from tests.remote.pushing import Receiving, receiving, request, series

HOST = {"job": "node", "instance": "web1:9100"}
DAY_MS = 86_400_000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def snappy(raw: bytes) -> bytes:
    return bytes(cramjam.snappy.compress_raw(raw))


def many_series(count: int, instance: str = "web1:9100") -> bytes:
    """A request of ``count`` one-sample series, built from the bytes of one: repeated fields
    of concatenated messages merge, so this is the WriteRequest protobuf would make, fast."""
    one = WriteRequest(
        timeseries=[
            series("m", {"job": "node", "instance": instance, "id": "0" * 7}, (now_ms(), 1.0))
        ]
    )
    head, _, tail = one.SerializeToString().partition(b"0" * 7)
    return snappy(b"".join(head + b"%07d" % i + tail for i in range(count)))


@pytest.fixture
def unharmed(receiver: Receiving, token: str) -> Iterator[Receiving]:
    """After the test: nothing was written, and the receiver still takes a good push."""
    yield receiver
    assert receiver.store.targets() == []
    assert httpx.get(receiver.url + "/metrics").status_code == 200
    assert receiver.push(request(series("up", HOST, (now_ms(), 1.0))), token).status_code == 204


def refused(response: httpx.Response, status: int, says: str) -> None:
    assert response.status_code == status, response.text
    assert says in response.text


def test_a_body_that_is_not_snappy_is_a_400(unharmed: Receiving, token: str) -> None:
    refused(unharmed.push(b"node_load1 0.5\n", token), 400, "not snappy-compressed")


def test_a_snappy_body_that_is_not_protobuf_is_a_400(unharmed: Receiving, token: str) -> None:
    refused(unharmed.push(snappy(b"node_load1{job='x'} 0.5\n" * 10), token), 400, "not a protobuf")


def test_a_100_mb_body_is_a_413_before_it_is_read(unharmed: Receiving, token: str) -> None:
    host, port = unharmed.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            f"POST {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
            f"Content-Length: {100 * 1024 * 1024}\r\n\r\n".encode()
            + b"\0" * 65536
        )
        answer = b"".join(iter(lambda: conn.recv(4096), b"")).decode()  # until the server closes
    assert answer.startswith("HTTP/1.1 413 ")
    assert "over the limit of 10,485,760" in answer


def test_a_body_that_would_decompress_past_the_limit_is_a_413(
    unharmed: Receiving, token: str
) -> None:
    bomb = snappy(b"\0" * (100 * 1024 * 1024))  # about 5 MB sent
    refused(unharmed.push(bomb, token), 413, "decompresses to 104,857,600 bytes")


@pytest.mark.slow
def test_a_million_series_in_one_request_is_refused(unharmed: Receiving, token: str) -> None:
    response = unharmed.push(many_series(1_000_000), token)
    assert response.status_code == 413, response.text
    assert "over the limit" in response.text


def test_more_samples_than_a_request_may_hold_is_a_400(unharmed: Receiving, token: str) -> None:
    refused(unharmed.push(many_series(100_001), token), 400, "100,001 samples in one request")


def test_more_series_than_one_host_may_have_is_a_400(store: Storage, token: str) -> None:
    with receiving(store, push_limits=PushLimits(max_series_per_target=1000)) as running:
        assert running.push(many_series(600), token).status_code == 204
        response = running.push(many_series(1200), token)
        refused(response, 400, "would have 1,200 series, over the limit of 1,000")
        assert len(store.latest("node", "web1:9100")) == 600


@pytest.mark.parametrize("offset", [-2 * DAY_MS, 2 * DAY_MS], ids=["past", "future"])
def test_a_sample_far_from_now_is_a_400_and_the_rest_of_its_request_is_not_written(
    unharmed: Receiving, token: str, offset: int
) -> None:
    t = now_ms()
    body = request(
        series("node_load1", HOST, (t, 1.0)), series("node_load5", HOST, (t + offset, 1.0))
    )
    refused(unharmed.push(body, token), 400, "over max_timestamp_skew_ms")


def test_a_series_without_instance_is_a_400(unharmed: Receiving, token: str) -> None:
    body = request(series("node_load1", {"job": "node"}, (now_ms(), 1.0)))
    refused(unharmed.push(body, token), 400, "lacks a job or instance label")


def test_an_invalid_label_name_is_a_400(unharmed: Receiving, token: str) -> None:
    body = request(series("node_load1", {**HOST, "bad-name": "x"}, (now_ms(), 1.0)))
    refused(unharmed.push(body, token), 400, "label name 'bad-name' is not")


def test_a_wrong_token_is_a_401(unharmed: Receiving) -> None:
    body = request(series("node_load1", HOST, (now_ms(), 1.0)))
    refused(unharmed.push(body, "hw_not-a-real-token"), 401, "not valid")


def test_no_token_is_a_401(unharmed: Receiving) -> None:
    body = request(series("node_load1", HOST, (now_ms(), 1.0)))
    response = httpx.post(unharmed.url + PATH, content=body)
    refused(response, 401, "Authorization: Bearer")


def test_remote_write_2_0_is_a_415(unharmed: Receiving, token: str) -> None:
    body = request(series("node_load1", HOST, (now_ms(), 1.0)))
    media = "application/x-protobuf;proto=io.prometheus.write.v2.Request"
    refused(unharmed.push(body, token, **{"Content-Type": media}), 415, "only remote write 1.0")

"""POST /api/v1/write: what a well-formed push stores, and how its sender becomes a target."""

from __future__ import annotations

import time

import httpx

from model.samples import Labels
from model.staleness import STALE_NAN, is_stale
from scraper.remote.prompb.types_pb2 import MetricMetadata
from scraper.remote.receiver import PATH
from storage import SelectLimits, Storage
from tests.remote.pushing import Receiving, headers, request, series, token_of
from tests.web.accounts import add_user

HOST = {"job": "node", "instance": "web1:9100"}


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def stored(store: Storage) -> set[tuple[str, Labels, int, float]]:
    """(name, labels, t, value) of the newest sample of each series of web1:9100."""
    return {
        (s.series.name, s.series.labels, s.timestamp_ms, s.value)
        for s in store.latest("node", "web1:9100")
    }


def test_pushed_samples_are_stored_with_their_labels_and_timestamps(
    receiver: Receiving, token: str
) -> None:
    t = now_ms()
    body = request(
        series("node_load1", HOST, (t - 1000, 0.5)),
        series("node_cpu_seconds_total", {**HOST, "cpu": "0", "mode": "idle"}, (t - 1000, 12.25)),
    )
    response = receiver.push(body, token)
    assert (response.status_code, response.content) == (204, b"")
    labels = (("instance", "web1:9100"), ("job", "node"))
    assert stored(receiver.store) == {
        ("node_load1", labels, t - 1000, 0.5),
        ("node_cpu_seconds_total", (("cpu", "0"), *labels, ("mode", "idle")), t - 1000, 12.25),
    }


def test_a_pushing_host_is_an_up_target_of_source_push_named_by_its_job_and_instance(
    receiver: Receiving, token: str
) -> None:
    receiver.push(request(series("node_load1", HOST, (now_ms(), 1.0))), token)
    target = receiver.store.target("node", "web1:9100")
    assert target is not None
    assert (target.health, target.last_error) == ("up", None)
    assert dict(target.labels) == {"job": "node", "instance": "web1:9100", "source": "push"}


def test_one_request_for_two_hosts_makes_two_targets(receiver: Receiving, token: str) -> None:
    t = now_ms()
    other = {"job": "node", "instance": "db1:9100"}
    receiver.push(
        request(series("node_load1", HOST, (t, 1.0)), series("node_load1", other, (t, 2.0))), token
    )
    assert {(x.job, x.instance, x.health) for x in receiver.store.targets()} == {
        ("node", "web1:9100", "up"),
        ("node", "db1:9100", "up"),
    }


def test_metadata_sent_on_its_own_is_stored_with_the_next_samples(
    receiver: Receiving, token: str
) -> None:
    about = MetricMetadata(
        type=MetricMetadata.GAUGE, metric_family_name="node_load1", help="1m load average.", unit=""
    )
    assert receiver.push(request(metadata=[about]), token).status_code == 204
    receiver.push(request(series("node_load1", HOST, (now_ms(), 1.0))), token)
    found = receiver.store.metadata("node_load1")
    assert found is not None
    assert (found.type, found.help) == ("gauge", "1m load average.")


def test_a_pushed_stale_marker_is_stored_and_leaves_its_series_without_a_latest_value(
    receiver: Receiving, token: str
) -> None:
    t = now_ms()
    pushed = request(
        series("node_load1", HOST, (t - 2000, 0.5), (t - 1000, STALE_NAN)),
        series("node_load5", HOST, (t - 1000, 0.25)),
    )
    receiver.push(pushed, token)
    assert stored(receiver.store) == {
        ("node_load5", (("instance", "web1:9100"), ("job", "node")), t - 1000, 0.25)
    }
    found = receiver.store.select(
        "node_load1", [], t - 3000, t, SelectLimits(max_series=10, max_samples=100)
    )
    assert [[is_stale(v) for v in s.values] for s in found] == [[False, True]]


def test_a_viewer_token_may_not_push(receiver: Receiving, store: Storage) -> None:
    add_user(store, "watcher", "viewer")
    response = receiver.push(
        request(series("node_load1", HOST, (now_ms(), 1.0))), token_of(store, "watcher")
    )
    assert response.status_code == 403
    assert "needs the writer or admin role; watcher has viewer" in response.text
    assert store.targets() == []


def test_received_samples_and_answers_are_counted_on_the_scrapers_metrics(
    receiver: Receiving, token: str
) -> None:
    t = now_ms()
    receiver.push(request(series("node_load1", HOST, (t, 1.0), (t + 1, 2.0))), token)
    receiver.push(b"junk", token)
    text = httpx.get(receiver.url + "/metrics").text
    assert "hostwatch_scraper_remote_write_samples_received_total 2.0" in text
    assert 'hostwatch_scraper_remote_write_requests_total{code="204"} 1.0' in text
    assert 'hostwatch_scraper_remote_write_requests_total{code="400"} 1.0' in text


def test_a_writer_token_may_push(receiver: Receiving, store: Storage) -> None:
    add_user(store, "sender", "writer")
    t = now_ms()
    response = receiver.push(
        request(series("node_load1", HOST, (t, 1.0))), token_of(store, "sender")
    )
    assert response.status_code == 204
    assert stored(store) == {("node_load1", (("instance", "web1:9100"), ("job", "node")), t, 1.0)}


def test_basic_auth_with_the_token_as_password_may_push(
    receiver: Receiving, store: Storage
) -> None:
    add_user(store, "sender", "writer")
    t = now_ms()
    response = httpx.post(
        receiver.url + PATH,
        content=request(series("node_load1", HOST, (t, 1.0))),
        headers={k: v for k, v in headers("-").items() if k != "Authorization"},
        auth=("sender", token_of(store, "sender")),
    )
    assert response.status_code == 204
    assert stored(store) == {("node_load1", (("instance", "web1:9100"), ("job", "node")), t, 1.0)}


def test_basic_auth_with_a_wrong_password_is_a_401(receiver: Receiving, store: Storage) -> None:
    add_user(store, "sender", "writer")
    response = httpx.post(
        receiver.url + PATH,
        content=request(series("node_load1", HOST, (now_ms(), 1.0))),
        headers={k: v for k, v in headers("-").items() if k != "Authorization"},
        auth=("sender", "hw_not-its-token"),
    )
    assert response.status_code == 401
    assert "not valid" in response.text
    assert store.targets() == []

"""The agent-silence check: a pushing host is up while its samples arrive, down when they stop."""

from __future__ import annotations

from model.limits import Limits
from scraper.remote import batch, decoder
from scraper.remote.prompb.remote_pb2 import WriteRequest
from scraper.remote.pushers import Pushers, PushLimits
from storage import ScrapeRecord, Storage
from tests.remote.pushing import series

T0 = 1_780_000_000_000
MINUTE = 60_000
HOST = {"job": "node", "instance": "web1:9100"}


def pushed(pushers: Pushers, store: Storage, at_ms: int) -> None:
    """A push of one sample received at ``at_ms``, admitted and written as the receiver does."""
    raw = WriteRequest(timeseries=[series("node_load1", HOST, (at_ms, 1.0))]).SerializeToString()
    found = batch.records(decoder.read(raw, 100), at_ms, Limits(), {})
    pushers.admit(found, at_ms)
    store.write(found)


def test_a_host_silent_for_six_minutes_is_down_with_the_reason(store: Storage) -> None:
    pushers = Pushers(PushLimits(), Limits())
    pushed(pushers, store, T0)
    assert pushers.silent(T0 + 6 * MINUTE - 1) == []
    store.write(pushers.silent(T0 + 6 * MINUTE))
    target = store.target("node", "web1:9100")
    assert target is not None
    assert (target.health, target.last_error) == ("down", "no samples for 6m")
    assert [c.health for c in store.health_history("node", "web1:9100")] == ["up", "down"]


def test_a_silent_host_is_marked_down_once(store: Storage) -> None:
    pushers = Pushers(PushLimits(), Limits())
    pushed(pushers, store, T0)
    assert len(pushers.silent(T0 + 6 * MINUTE)) == 1
    assert pushers.silent(T0 + 7 * MINUTE) == []


def test_a_host_that_pushes_again_is_up_again(store: Storage) -> None:
    pushers = Pushers(PushLimits(), Limits())
    pushed(pushers, store, T0)
    store.write(pushers.silent(T0 + 6 * MINUTE))
    pushed(pushers, store, T0 + 8 * MINUTE)
    target = store.target("node", "web1:9100")
    assert target is not None
    assert (target.health, target.last_error) == ("up", None)


def test_a_pusher_known_from_a_previous_run_is_marked_down_if_it_never_returns(
    store: Storage,
) -> None:
    pushed(Pushers(PushLimits(), Limits()), store, T0)
    restarted = Pushers(PushLimits(), Limits())
    restarted.restore(store.targets(), T0 + MINUTE)
    assert [(r.job, r.instance, r.error) for r in restarted.silent(T0 + 7 * MINUTE)] == [
        ("node", "web1:9100", "no samples for 6m")
    ]


def test_a_scraped_target_is_not_taken_for_a_pusher(store: Storage) -> None:
    store.write(
        [
            ScrapeRecord(
                "node", "db1:9100", (("instance", "db1:9100"), ("job", "node")), T0, 0.1, None
            )
        ]
    )
    restarted = Pushers(PushLimits(), Limits())
    restarted.restore(store.targets(), T0)
    assert restarted.targets() == set()

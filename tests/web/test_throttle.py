"""Login throttling's arithmetic: five free failures, then a lock that doubles."""

from __future__ import annotations

from web.auth.throttle import Throttle

KEYS = ("user:ann", "address:10.0.0.1")
S = 1000


def failed(times: int, now_ms: int = 0) -> Throttle:
    throttle = Throttle()
    for _ in range(times):
        throttle.attempt(KEYS, now_ms)
    return throttle


def test_four_failures_lock_nothing() -> None:
    assert failed(4).retry_after_s(KEYS, 0) == 0


def test_the_fifth_failure_locks_for_fifteen_seconds() -> None:
    throttle = failed(5)

    assert throttle.retry_after_s(KEYS, 0) == 15
    assert throttle.retry_after_s(KEYS, 15 * S) == 0


def test_each_further_failure_doubles_the_lock_up_to_fifteen_minutes() -> None:
    locks = [failed(n).retry_after_s(KEYS, 0) for n in range(5, 13)]

    assert locks == [15, 30, 60, 120, 240, 480, 900, 900]


def test_a_million_failures_still_lock_fifteen_minutes() -> None:
    assert failed(1_000_000).retry_after_s(KEYS, 0) == 900


def test_failures_are_forgotten_an_hour_after_the_last() -> None:
    throttle = failed(9)
    throttle.attempt(KEYS, 3601 * S)

    assert throttle.retry_after_s(KEYS, 3601 * S) == 0


def test_one_locked_key_is_enough_to_wait() -> None:
    throttle = failed(5)

    assert throttle.retry_after_s(("user:bob", "address:10.0.0.1"), 0) == 15


def test_a_success_clears_the_user_and_undoes_its_attempt_on_the_address() -> None:
    throttle = failed(4)
    throttle.attempt(KEYS, 0)

    throttle.succeeded("user:ann", KEYS)

    assert throttle.retry_after_s(("user:ann",), 0) == 0
    throttle.attempt(("address:10.0.0.1",), 0)
    assert throttle.retry_after_s(("address:10.0.0.1",), 0) == 15

"""Each write moves its targets' health; transitions are kept as history."""

from __future__ import annotations

import dataclasses

from storage import HealthChange, Storage
from tests.storage.builders import INSTANCE, JOB, NOW, record, sample

MINUTE = 60_000


def test_first_successful_scrape_makes_the_target_up(store: Storage) -> None:
    store.write([record([sample("m", 1.0)], t=NOW)])

    target = store.target(JOB, INSTANCE)

    assert target is not None
    assert (target.health, target.health_since_ms, target.first_seen_ms) == ("up", NOW, NOW)
    assert (target.last_scrape_ms, target.last_seen_ms, target.last_duration_s) == (NOW, NOW, 0.25)
    assert target.labels == (("env", "prod"),)
    assert (target.last_error, target.consecutive_failures) == (None, 0)


def test_failures_count_up_and_keep_the_time_the_target_went_down(store: Storage) -> None:
    store.write([record([sample("m", 1.0)], t=NOW)])
    store.write([record(t=NOW + MINUTE, error="connection refused")])
    store.write([record(t=NOW + 2 * MINUTE, error="timeout")])

    target = store.target(JOB, INSTANCE)

    assert target is not None
    assert (target.health, target.health_since_ms) == ("down", NOW + MINUTE)
    assert (target.consecutive_failures, target.last_error) == (2, "timeout")
    assert (target.last_scrape_ms, target.last_seen_ms) == (NOW + 2 * MINUTE, NOW)


def test_recovery_resets_failures_and_history_shows_each_transition(store: Storage) -> None:
    store.write([record([sample("m", 1.0)], t=NOW)])
    store.write([record(t=NOW + MINUTE, error="connection refused")])
    store.write([record(t=NOW + 2 * MINUTE, error="timeout")])
    store.write([record([sample("m", 2.0)], t=NOW + 3 * MINUTE)])

    target = store.target(JOB, INSTANCE)

    assert target is not None
    assert (target.health, target.health_since_ms, target.consecutive_failures) == (
        "up",
        NOW + 3 * MINUTE,
        0,
    )
    assert store.health_history(JOB, INSTANCE) == [
        HealthChange(JOB, INSTANCE, NOW, "up", None),
        HealthChange(JOB, INSTANCE, NOW + MINUTE, "down", "connection refused"),
        HealthChange(JOB, INSTANCE, NOW + 3 * MINUTE, "up", None),
    ]


def test_a_scrape_older_than_the_last_one_does_not_change_health(store: Storage) -> None:
    store.write([record([sample("m", 1.0)], t=NOW)])
    store.write([record(t=NOW - MINUTE, error="late failure report")])

    target = store.target(JOB, INSTANCE)

    assert target is not None
    assert (target.health, target.last_scrape_ms) == ("up", NOW)


def test_one_batch_applies_its_records_in_scrape_order(store: Storage) -> None:
    store.write([record(t=NOW + MINUTE, error="timeout"), record([sample("m", 1.0)], t=NOW)])

    target = store.target(JOB, INSTANCE)

    assert target is not None
    assert (target.health, target.health_since_ms, target.last_seen_ms) == (
        "down",
        NOW + MINUTE,
        NOW,
    )


def test_targets_lists_every_target_and_unknown_ones_are_none(store: Storage) -> None:
    store.write([record(instance="b:9100", error="refused"), record([sample("m", 1.0)])])

    listed = [(t.instance, t.health) for t in store.targets()]

    assert listed == [("b:9100", "down"), (INSTANCE, "up")]
    assert store.target(JOB, "nowhere:9100") is None


def test_a_targets_new_labels_are_read_after_a_change(store: Storage) -> None:
    store.write([record([sample("m", 1.0)], t=NOW)])
    store.targets()
    relabelled = dataclasses.replace(
        record([sample("m", 2.0)], t=NOW + MINUTE), labels=(("env", "é<dev>"),)
    )
    store.write([relabelled])

    assert [t.labels for t in store.targets()] == [(("env", "é<dev>"),)]

"""Alert storage on both backends: current alerts, their history, silences, notification log."""

from __future__ import annotations

import dataclasses
import math

from model.matchers import Matcher
from storage import Alert, AlertEvent, NotificationEntry, Silence, Storage, silenced_by
from tests.storage.builders import DAY, HOUR, NOW

LABELS = (("alertname", "TargetDown"), ("instance", "web1:9100"), ("job", "node"))
FIRING = Alert(
    fingerprint="0123456789abcdef",
    rule="TargetDown",
    labels=LABELS,
    annotations=(("summary", "web1:9100 is down"),),
    state="firing",
    value=0.0,
    active_since_ms=NOW - HOUR,
    fired_ms=NOW - HOUR,
    updated_ms=NOW - HOUR,
    suppressed=True,
)
EVENT = AlertEvent("0123456789abcdef", "TargetDown", LABELS, NOW - HOUR, "firing", 0.0)


def test_alerts_are_stored_and_read_back_unchanged(store: Storage) -> None:
    store.save_alerts([FIRING], [], [])
    assert store.alerts() == [FIRING]


def test_a_stored_alert_is_replaced_by_its_newer_state(store: Storage) -> None:
    resolved = dataclasses.replace(FIRING, state="resolved", resolved_ms=NOW, updated_ms=NOW)
    store.save_alerts([FIRING], [], [])
    store.save_alerts([resolved], [], [])
    assert store.alerts() == [resolved]


def test_removed_alerts_are_deleted(store: Storage) -> None:
    store.save_alerts([FIRING], [], [])
    store.save_alerts([], [FIRING.fingerprint], [])
    assert store.alerts() == []


def test_a_nan_value_survives_storage(store: Storage) -> None:
    store.save_alerts([dataclasses.replace(FIRING, value=math.nan)], [], [])
    assert math.isnan(store.alerts()[0].value)


def test_history_lists_transitions_newest_first_and_filters(store: Storage) -> None:
    resolved = EVENT._replace(timestamp_ms=NOW, state="resolved")
    other = EVENT._replace(labels=(("instance", "db1:9100"),), timestamp_ms=NOW - 1)
    store.save_alerts([], [], [EVENT, resolved, other])
    assert store.alert_history() == [resolved, other, EVENT]
    assert store.alert_history(instance="web1:9100", state="firing") == [EVENT]


def test_a_silence_gets_an_id_and_reads_back(store: Storage) -> None:
    wanted = Silence(
        0, (Matcher("instance", "=~", "web.*"),), NOW, NOW + HOUR, "deploy", "ops", NOW
    )
    created = store.add_silence(wanted)
    assert created.id > 0
    assert store.silences() == [dataclasses.replace(wanted, id=created.id)]


def test_expiring_a_silence_ends_it_now_once(store: Storage) -> None:
    created = store.add_silence(Silence(0, (), NOW - HOUR, NOW + HOUR, "", "ops", NOW - HOUR))
    assert (store.expire_silence(created.id), store.expire_silence(created.id)) == (True, False)
    assert store.silences()[0].ends_ms == NOW


def test_expiring_an_unknown_silence_says_so(store: Storage) -> None:
    assert store.expire_silence(12345) is False


def test_the_notification_log_keeps_the_latest_entry_per_receiver_and_group(
    store: Storage,
) -> None:
    first = NotificationEntry("ops/webhook/0", "{}:{}", frozenset({"a"}), frozenset(), NOW - 1)
    second = first._replace(firing=frozenset({"a", "b"}), resolved=frozenset({"c"}), sent_ms=NOW)
    store.log_notification(first)
    store.log_notification(second)
    assert store.notifications() == [second]


def test_maintenance_expires_old_alert_history_and_long_ended_silences(store: Storage) -> None:
    old = EVENT._replace(timestamp_ms=NOW - 500 * DAY)
    store.save_alerts([], [], [old, EVENT])
    store.add_silence(Silence(0, (), NOW - 60 * DAY, NOW - 40 * DAY, "", "ops", NOW - 60 * DAY))
    store.add_silence(Silence(0, (), NOW - HOUR, NOW + HOUR, "", "ops", NOW - HOUR))
    report = store.maintain(NOW)
    assert report.alert_rows_deleted == 2
    assert (store.alert_history(), [s.ends_ms for s in store.silences()]) == ([EVENT], [NOW + HOUR])


def test_a_catastrophic_silence_regex_is_matched_against_long_labels_at_once() -> None:
    # Silences are matched on the scraper's event loop: (.*.*.*.*)*X once stretched its scrapes.
    silence = Silence(
        7, (Matcher("summary", "=~", "(.*.*.*.*)*X"),), NOW - HOUR, NOW + HOUR, "", "ops", NOW
    )
    labels = (*LABELS, ("summary", "web1:9100 is down " * 50))
    assert silenced_by([silence], labels, NOW) == []
    assert silenced_by([silence], (*LABELS, ("summary", "down X")), NOW) == [7]

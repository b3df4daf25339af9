"""Routing and grouping: group_wait, group_interval, repeat_interval, send_resolved, and the
notification log that keeps a receiver from hearing the same thing twice."""

from __future__ import annotations

import dataclasses

from model.matchers import Matcher
from scraper.alerts.dispatch import Dispatcher, Notification, notifiable
from scraper.alerts.model import AlertsConfig, Receiver, Route, Webhook
from storage import Alert, Silence
from tests.alerts.scrapes import MINUTE, SECOND, T0

ROUTE = Route(
    "ops", group_by=("alertname",), group_wait_s=30, group_interval_s=300, repeat_interval_s=3600
)
CONFIG = AlertsConfig(
    receivers=(
        Receiver("ops", (Webhook("http://127.0.0.1:1/"),)),
        Receiver("quiet", (Webhook("http://127.0.0.1:2/", send_resolved=False),)),
    ),
    default_route=ROUTE,
)


def alert(instance: str, state: str = "firing", rule: str = "TargetDown") -> Alert:
    labels = (("alertname", rule), ("instance", instance), ("job", "node"))
    return Alert(f"{rule}-{instance}", rule, labels, (), state, 0.0, T0, T0)  # type: ignore[arg-type]


def sent(notifications: list[Notification], dispatcher: Dispatcher) -> list[tuple[str, list[str]]]:
    """What each notification tells, logged as delivered."""
    for notification in notifications:
        dispatcher.logged(notification.entry)
    return [(n.group_key, [f"{a.instance} {a.state}" for a in n.alerts]) for n in notifications]


def test_a_new_group_waits_group_wait_before_its_first_notification() -> None:
    dispatcher = Dispatcher(CONFIG)
    assert dispatcher.due([alert("web1")], T0) == []
    assert sent(dispatcher.due([alert("web1")], T0 + 30 * SECOND), dispatcher) == [
        ('{}:{alertname="TargetDown"}', ["web1 firing"])
    ]


def test_alerts_of_one_group_go_out_together() -> None:
    dispatcher = Dispatcher(CONFIG)
    dispatcher.due([alert("web1")], T0)
    due = dispatcher.due([alert("web1"), alert("db1")], T0 + 30 * SECOND)
    assert sent(due, dispatcher) == [('{}:{alertname="TargetDown"}', ["db1 firing", "web1 firing"])]


def test_alerts_with_different_group_by_values_go_out_separately() -> None:
    dispatcher = Dispatcher(CONFIG)
    alerts = [alert("web1"), alert("web1", rule="MemoryHigh")]
    dispatcher.due(alerts, T0)
    assert sorted(key for key, _ in sent(dispatcher.due(alerts, T0 + 30 * SECOND), dispatcher)) == [
        '{}:{alertname="MemoryHigh"}',
        '{}:{alertname="TargetDown"}',
    ]


def test_a_new_alert_in_a_notified_group_waits_for_group_interval() -> None:
    dispatcher = Dispatcher(CONFIG)
    dispatcher.due([alert("web1")], T0)
    sent(dispatcher.due([alert("web1")], T0 + 30 * SECOND), dispatcher)
    both = [alert("web1"), alert("db1")]
    assert dispatcher.due(both, T0 + MINUTE) == []
    assert sent(dispatcher.due(both, T0 + 330 * SECOND), dispatcher) == [
        ('{}:{alertname="TargetDown"}', ["db1 firing", "web1 firing"])
    ]


def test_an_unchanged_group_is_not_sent_again_before_repeat_interval() -> None:
    dispatcher = Dispatcher(CONFIG)
    dispatcher.due([alert("web1")], T0)
    sent(dispatcher.due([alert("web1")], T0 + 30 * SECOND), dispatcher)
    assert dispatcher.due([alert("web1")], T0 + 330 * SECOND) == []


def test_a_group_still_firing_is_repeated_after_repeat_interval() -> None:
    dispatcher = Dispatcher(CONFIG)
    dispatcher.due([alert("web1")], T0)
    sent(dispatcher.due([alert("web1")], T0 + 30 * SECOND), dispatcher)
    later = T0 + 30 * SECOND + 3600 * SECOND
    dispatcher.due([alert("web1")], later - 1)  # a flush in between, nothing due
    assert sent(dispatcher.due([alert("web1")], later + 300 * SECOND), dispatcher) == [
        ('{}:{alertname="TargetDown"}', ["web1 firing"])
    ]


def test_a_resolved_alert_is_sent_once_to_a_receiver_that_wants_resolved() -> None:
    dispatcher = Dispatcher(CONFIG)
    dispatcher.due([alert("web1")], T0)
    sent(dispatcher.due([alert("web1")], T0 + 30 * SECOND), dispatcher)
    resolved = [alert("web1", "resolved")]
    assert sent(dispatcher.due(resolved, T0 + 330 * SECOND), dispatcher) == [
        ('{}:{alertname="TargetDown"}', ["web1 resolved"])
    ]
    assert dispatcher.due(resolved, T0 + 630 * SECOND) == []


def test_a_receiver_without_send_resolved_is_not_told_but_hears_of_a_refire() -> None:
    dispatcher = Dispatcher(
        dataclasses.replace(CONFIG, default_route=dataclasses.replace(ROUTE, receiver="quiet"))
    )
    dispatcher.due([alert("web1")], T0)
    sent(dispatcher.due([alert("web1")], T0 + 30 * SECOND), dispatcher)
    assert sent(dispatcher.due([alert("web1", "resolved")], T0 + 330 * SECOND), dispatcher) == [
        ('{}:{alertname="TargetDown"}', [])
    ]
    assert sent(dispatcher.due([alert("web1")], T0 + 630 * SECOND), dispatcher) == [
        ('{}:{alertname="TargetDown"}', ["web1 firing"])
    ]


def test_a_restarted_dispatcher_with_the_log_sends_nothing_already_sent() -> None:
    first = Dispatcher(CONFIG)
    first.due([alert("web1")], T0)
    (notification,) = first.due([alert("web1")], T0 + 30 * SECOND)
    restarted = Dispatcher(CONFIG, [notification.entry])
    restarted.due([alert("web1")], T0 + MINUTE)
    assert restarted.due([alert("web1")], T0 + 2 * MINUTE) == []


def test_a_child_route_sends_matching_alerts_to_its_receiver_under_its_own_key() -> None:
    child = dataclasses.replace(
        ROUTE, receiver="quiet", matchers=(Matcher("instance", "=", "db1"),)
    )
    dispatcher = Dispatcher(dataclasses.replace(CONFIG, routes=(child,)))
    dispatcher.due([alert("db1")], T0)
    (notification,) = dispatcher.due([alert("db1")], T0 + 30 * SECOND)
    assert (notification.integration.name, notification.group_key) == (
        "quiet/webhook/0",
        '{}/{instance="db1"}:{alertname="TargetDown"}',
    )


def test_suppressed_silenced_and_pending_alerts_are_not_notified() -> None:
    silence = Silence(1, (Matcher("instance", "=", "db1"),), T0, T0 + MINUTE, "", "ops", T0)
    alerts = [
        alert("web1"),
        dataclasses.replace(alert("app1"), suppressed=True),
        alert("db1"),
        alert("cache1", "pending"),
    ]
    assert [a.instance for a in notifiable(alerts, [silence], T0)] == ["web1"]


def test_an_expired_silence_no_longer_mutes() -> None:
    silence = Silence(1, (Matcher("instance", "=", "db1"),), T0, T0 + MINUTE, "", "ops", T0)
    assert [a.instance for a in notifiable([alert("db1")], [silence], T0 + MINUTE)] == ["db1"]


def test_a_reload_that_renames_the_receiver_sends_the_group_to_the_new_one() -> None:
    dispatcher = Dispatcher(CONFIG)
    dispatcher.due([alert("web1")], T0)
    renamed = dataclasses.replace(
        CONFIG, default_route=dataclasses.replace(ROUTE, receiver="quiet")
    )
    dispatcher.config = renamed
    (notification,) = dispatcher.due([alert("web1")], T0 + 30 * SECOND)
    assert notification.integration.name == "quiet/webhook/0"

"""The webhook body is Alertmanager's version 4, field by field."""

from __future__ import annotations

import dataclasses

from scraper.alerts.payload import ZERO_TIME, webhook
from storage import Alert
from tests.alerts.scrapes import MINUTE, T0

FIRING = Alert(
    fingerprint="8a1c0e9d2b3f4a5c",
    rule="TargetDown",
    labels=(
        ("alertname", "TargetDown"),
        ("instance", "web1:9100"),
        ("job", "node"),
        ("severity", "critical"),
    ),
    annotations=(("description", "scrape failed"), ("summary", "web1:9100 is down")),
    state="firing",
    value=0.0,
    active_since_ms=T0,
    fired_ms=T0,
)
RESOLVED = dataclasses.replace(
    FIRING,
    fingerprint="1b2c3d4e5f607182",
    labels=(
        ("alertname", "TargetDown"),
        ("instance", "db1:9100"),
        ("job", "node"),
        ("severity", "critical"),
    ),
    annotations=(("description", "scrape failed"), ("summary", "db1:9100 is down")),
    state="resolved",
    resolved_ms=T0 + MINUTE,
)
KEY = '{}:{alertname="TargetDown"}'


def body(*alerts: Alert, max_alerts: int = 0) -> dict[str, object]:
    return webhook(
        "ops", KEY, (("alertname", "TargetDown"),), alerts, "http://hw.example.org", max_alerts
    )


def test_the_payload_has_alertmanagers_fields_in_its_order() -> None:
    assert list(body(FIRING)) == [
        "receiver",
        "status",
        "alerts",
        "groupLabels",
        "commonLabels",
        "commonAnnotations",
        "externalURL",
        "version",
        "groupKey",
        "truncatedAlerts",
    ]


def test_a_group_payload_matches_alertmanagers_field_by_field() -> None:
    assert body(FIRING, RESOLVED) == {
        "receiver": "ops",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {
                    "alertname": "TargetDown",
                    "instance": "web1:9100",
                    "job": "node",
                    "severity": "critical",
                },
                "annotations": {"description": "scrape failed", "summary": "web1:9100 is down"},
                "startsAt": "2025-06-16T12:00:00.000Z",
                "endsAt": ZERO_TIME,
                "generatorURL": "http://hw.example.org/alerts?alertname=TargetDown",
                "fingerprint": "8a1c0e9d2b3f4a5c",
            },
            {
                "status": "resolved",
                "labels": {
                    "alertname": "TargetDown",
                    "instance": "db1:9100",
                    "job": "node",
                    "severity": "critical",
                },
                "annotations": {"description": "scrape failed", "summary": "db1:9100 is down"},
                "startsAt": "2025-06-16T12:00:00.000Z",
                "endsAt": "2025-06-16T12:01:00.000Z",
                "generatorURL": "http://hw.example.org/alerts?alertname=TargetDown",
                "fingerprint": "1b2c3d4e5f607182",
            },
        ],
        "groupLabels": {"alertname": "TargetDown"},
        "commonLabels": {"alertname": "TargetDown", "job": "node", "severity": "critical"},
        "commonAnnotations": {"description": "scrape failed"},
        "externalURL": "http://hw.example.org",
        "version": "4",
        "groupKey": KEY,
        "truncatedAlerts": 0,
    }


def test_a_group_of_only_resolved_alerts_is_resolved() -> None:
    assert body(RESOLVED)["status"] == "resolved"


def test_max_alerts_truncates_and_counts_what_was_left_out() -> None:
    truncated = body(FIRING, RESOLVED, max_alerts=1)
    assert (len(truncated["alerts"]), truncated["truncatedAlerts"]) == (1, 1)  # type: ignore[arg-type]

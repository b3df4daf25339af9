"""Alertmanager's webhook payload (version 4), field for field, so receivers written for
Alertmanager (chat bridges, ticketing hooks) work against hostwatch unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from model.samples import Labels
from storage import Alert

# Go's zero time: what Alertmanager sends as endsAt of an alert still firing.
ZERO_TIME = "0001-01-01T00:00:00Z"


def timestamp(ms: int) -> str:
    """RFC 3339 in UTC with milliseconds, as Go formats a time.Time."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def webhook(
    receiver: str,
    group_key: str,
    group_labels: Labels,
    alerts: Sequence[Alert],
    external_url: str,
    max_alerts: int = 0,
) -> dict[str, Any]:
    """The JSON body POSTed to a webhook; ``max_alerts`` > 0 truncates the list."""
    shown = alerts[:max_alerts] if max_alerts else alerts
    return {
        "receiver": receiver,
        "status": status(alerts),
        "alerts": [_alert(alert, external_url) for alert in shown],
        "groupLabels": dict(group_labels),
        "commonLabels": common([alert.labels for alert in alerts]),
        "commonAnnotations": common([alert.annotations for alert in alerts]),
        "externalURL": external_url,
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": len(alerts) - len(shown),
    }


def status(alerts: Sequence[Alert]) -> str:
    """A group is firing while any of its alerts is."""
    return "firing" if any(alert.state == "firing" for alert in alerts) else "resolved"


def common(pairs: Sequence[Labels]) -> dict[str, str]:
    """The name=value pairs every one of ``pairs`` has."""
    if not pairs:
        return {}
    shared = set(pairs[0]).intersection(*pairs[1:])
    return dict(sorted(shared))


def generator_url(alert: Alert, external_url: str) -> str:
    return f"{external_url}/alerts?alertname={quote(alert.rule, safe='')}"


def _alert(alert: Alert, external_url: str) -> dict[str, Any]:
    ended = alert.state == "resolved" and alert.resolved_ms is not None
    return {
        "status": "resolved" if alert.state == "resolved" else "firing",
        "labels": dict(alert.labels),
        "annotations": dict(alert.annotations),
        "startsAt": timestamp(alert.fired_ms or alert.active_since_ms),
        "endsAt": timestamp(alert.resolved_ms or 0) if ended else ZERO_TIME,
        "generatorURL": generator_url(alert, external_url),
        "fingerprint": alert.fingerprint,
    }

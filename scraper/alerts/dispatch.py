"""Routing and grouping, as Alertmanager does them: which receiver, in which batch, when.

Alerts are routed (first matching child route, else the default), grouped by the route's
``group_by`` labels, and each group is looked at ``group_wait`` after it appears, then every
``group_interval``. A receiver hears of a group when it has a new firing alert, when an alert
it was told of resolved (if it wants resolved ones), or when ``repeat_interval`` has passed.
The notification log says what each receiver was last told, so a restart re-sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from model.matchers import format_matcher
from model.samples import Labels
from scraper.alerts.model import AlertsConfig, Channel, Email, Route, Webhook
from storage import Alert, NotificationEntry, Silence, silenced_by

LogKey = tuple[str, str]  # integration, group key


@dataclass(frozen=True)
class Integration:
    """One webhook or e-mail of a receiver; ``name`` (receiver/kind/index) keys the log."""

    receiver: str
    name: str
    target: Webhook | Email | Channel

    @property
    def send_resolved(self) -> bool:
        return self.target.send_resolved

    @property
    def kind(self) -> str:
        return kind_of(self.target)


@dataclass(frozen=True)
class Notification:
    """What to tell one integration about one group; no alerts means only log ``entry``."""

    integration: Integration
    group_key: str
    group_labels: Labels
    alerts: tuple[Alert, ...]
    entry: NotificationEntry


@dataclass
class _Group:
    key: str
    route: Route
    labels: Labels
    next_flush_ms: int
    alerts: list[Alert]


def integrations(config: AlertsConfig, receiver: str) -> list[Integration]:
    found = config.receiver(receiver)
    targets: list[Webhook | Email | Channel] = [*found.webhooks, *found.emails, *found.channels]
    return [
        Integration(receiver, f"{receiver}/{kind_of(target)}/{index}", target)
        for index, target in enumerate(targets)
    ]


def kind_of(target: Webhook | Email | Channel) -> str:
    """webhook, email, or the service of a channel (slack, telegram, ...)."""
    return target.kind if isinstance(target, Channel) else type(target).__name__.lower()


def notifiable(alerts: Iterable[Alert], silences: list[Silence], now_ms: int) -> list[Alert]:
    """Alerts a receiver may hear of: firing and neither suppressed nor silenced, or resolved."""
    return [
        alert
        for alert in alerts
        if alert.state == "resolved"
        or (
            alert.state == "firing"
            and not alert.suppressed
            and not silenced_by(silences, alert.labels, now_ms)
        )
    ]


class Dispatcher:
    def __init__(self, config: AlertsConfig, log: Iterable[NotificationEntry] = ()) -> None:
        self.config = config
        self._groups: dict[str, _Group] = {}
        self._log: dict[LogKey, NotificationEntry] = {(e.receiver, e.group_key): e for e in log}

    def due(self, alerts: Sequence[Alert], now_ms: int) -> list[Notification]:
        """The notifications due now, given the alerts receivers may hear of."""
        self._regroup(alerts, now_ms)
        found: list[Notification] = []
        for group in self._groups.values():
            if now_ms >= group.next_flush_ms:
                group.next_flush_ms = now_ms + int(group.route.group_interval_s * 1000)
                found.extend(self._flush(group, now_ms))
        return found

    def logged(self, entry: NotificationEntry) -> None:
        """Record that ``entry``'s receiver was told (after the send succeeded)."""
        self._log[(entry.receiver, entry.group_key)] = entry

    def _regroup(self, alerts: Sequence[Alert], now_ms: int) -> None:
        members: dict[str, list[Alert]] = {}
        for alert in alerts:
            route = self.config.route(dict(alert.labels))
            if route is None:
                continue
            labels = tuple((n, v) for n, v in sorted(alert.labels) if n in route.group_by)
            key = f"{_route_key(route, self.config)}:{_labels_key(labels)}"
            members.setdefault(key, []).append(alert)
            if key not in self._groups:
                wait = now_ms + int(route.group_wait_s * 1000)
                self._groups[key] = _Group(key, route, labels, wait, [])
            self._groups[key].route = route  # a reload may have changed its receiver or timing
        for key in list(self._groups):
            if key not in members:
                del self._groups[key]
            else:
                self._groups[key].alerts = sorted(members[key], key=lambda a: a.labels)

    def _flush(self, group: _Group, now_ms: int) -> list[Notification]:
        found = []
        for integration in integrations(self.config, group.route.receiver):
            notification = self._decide(integration, group, now_ms)
            if notification is not None:
                found.append(notification)
        return found

    def _decide(self, integration: Integration, group: _Group, now_ms: int) -> Notification | None:
        before = self._log.get((integration.name, group.key))
        told = before.firing if before else frozenset()
        firing = [a for a in group.alerts if a.state == "firing"]
        keys = frozenset(a.fingerprint for a in firing)
        resolved = [a for a in group.alerts if a.state == "resolved" and a.fingerprint in told]
        repeat = (
            before is not None and now_ms - before.sent_ms >= group.route.repeat_interval_s * 1000
        )
        wanted = bool(keys - told) or (integration.send_resolved and bool(resolved))
        if not (wanted or (keys and repeat) or keys != told):
            return None
        shown = [*firing, *resolved] if integration.send_resolved else firing
        if not (wanted or (keys and repeat)):
            shown = []  # the firing set shrank unseen: only log it, so a re-fire is news again
        sent = frozenset(a.fingerprint for a in resolved if integration.send_resolved)
        entry = NotificationEntry(integration.name, group.key, keys, sent, now_ms)
        return Notification(integration, group.key, group.labels, tuple(shown), entry)


def _route_key(route: Route, config: AlertsConfig) -> str:
    """``{}`` for the default route, ``{}/{matchers}`` for a child, as Alertmanager's keys."""
    if route is config.default_route:
        return "{}"
    return "{}/{" + ",".join(format_matcher(m) for m in route.matchers) + "}"


def _labels_key(labels: Labels) -> str:
    return "{" + ",".join(f'{name}="{value}"' for name, value in labels) + "}"

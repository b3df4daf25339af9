"""The values alert storage takes and returns: alerts, their transitions, silences, and what
was notified. Plain immutable data; the engine that produces them is :mod:`scraper.alerts`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from model.matchers import Matcher
from model.samples import Labels

AlertState = Literal["pending", "firing", "resolved"]
ALERT_STATES: tuple[AlertState, ...] = ("pending", "firing", "resolved")


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: a rule's condition holding (or having held) for one labelled series.

    ``active_since_ms`` is when the condition began to hold (Alertmanager's startsAt);
    ``suppressed`` means the target it depends on (label ``depends_on``) is down.
    """

    fingerprint: str
    rule: str
    labels: Labels
    annotations: Labels
    state: AlertState
    value: float
    active_since_ms: int
    fired_ms: int | None = None
    resolved_ms: int | None = None
    updated_ms: int = 0
    suppressed: bool = False

    @property
    def instance(self) -> str:
        return dict(self.labels).get("instance", "")


class AlertEvent(NamedTuple):
    """One transition in an alert's life, as the history lists it."""

    fingerprint: str
    rule: str
    labels: Labels
    timestamp_ms: int
    state: AlertState
    value: float

    @property
    def instance(self) -> str:
        return dict(self.labels).get("instance", "")


@dataclass(frozen=True, slots=True)
class Silence:
    """Mutes the notifications of every alert all ``matchers`` match, from start to end."""

    id: int
    matchers: tuple[Matcher, ...]
    starts_ms: int
    ends_ms: int
    comment: str
    created_by: str
    created_ms: int

    def active(self, now_ms: int) -> bool:
        return self.starts_ms <= now_ms < self.ends_ms

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(matcher.matches(labels) for matcher in self.matchers)


def silenced_by(silences: list[Silence], labels: Labels, now_ms: int) -> list[int]:
    """The ids of the active silences that mute an alert with ``labels``."""
    found = dict(labels)
    return [s.id for s in silences if s.active(now_ms) and s.matches(found)]


ShownState = Literal["firing", "pending", "suppressed", "silenced", "resolved"]
SHOWN_STATES: tuple[ShownState, ...] = ("firing", "suppressed", "silenced", "pending", "resolved")


def shown_state(alert: Alert, silences: list[Silence], now_ms: int) -> ShownState:
    """The state people see: a firing alert may be suppressed or silenced instead."""
    if alert.state != "firing":
        return alert.state
    if alert.suppressed:
        return "suppressed"
    return "silenced" if silenced_by(silences, alert.labels, now_ms) else "firing"


class NotificationEntry(NamedTuple):
    """What a receiver was last told about one group of alerts, so nothing is sent twice."""

    receiver: str
    group_key: str
    firing: frozenset[str]
    resolved: frozenset[str]
    sent_ms: int

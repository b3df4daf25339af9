"""alerts.yml as frozen values: rules, receivers and routes. Built by hand (tests, defaults),
each class checks its own fields with the rules the loader applies."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import promql_parser as ast

from model.errors import ConfigError
from model.matchers import Matcher
from model.names import METRIC_NAME_SYNTAX, is_metric_name
from promql import parse
from scraper.config import TLSConfig, rules
from scraper.config.rules import keyed, quote

Pairs = tuple[tuple[str, str], ...]
Comparison = Literal[">", ">=", "<", "<=", "==", "!="]
COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
DERIVED = ("cpu_percent", "memory_percent", "filesystem_used_percent", "scraper_buffer_percent")
SEVERITIES = ("critical", "warning", "info")


def comparison(value: str) -> str:
    if value not in COMPARE:
        raise ConfigError(f"expected one of {', '.join(COMPARE)}, got {quote(value)}")
    return value


def severity(value: str) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"expected one of {', '.join(SEVERITIES)}, got {quote(value)}")
    return value


def metric_name(value: str) -> str:
    if not is_metric_name(value):
        raise ConfigError(f"expected a metric name {METRIC_NAME_SYNTAX}, got {quote(value)}")
    return value


def not_negative(value: float) -> float:
    if value < 0:
        raise ConfigError(f"expected a duration of 0 or more, got {value:g}s")
    return value


@dataclass(frozen=True)
class Rule:
    """Alert ``name`` while ``metric`` (of series the matchers pick) compares true against
    the threshold for ``for_s`` seconds."""

    name: str
    metric: str
    op: str = ">"
    threshold: float = 0.0
    matchers: tuple[Matcher, ...] = ()
    for_s: float = 0.0
    severity: str = "warning"
    labels: Pairs = ()
    summary: str = ""
    description: str = ""
    enabled: bool = True

    def __post_init__(self) -> None:
        keyed("alert", rules.not_empty, self.name)
        keyed("metric", rules.not_empty, self.metric)
        keyed("op", comparison, self.op)
        keyed("for", not_negative, self.for_s)
        keyed("severity", severity, self.severity)

    def holds(self, value: float) -> bool:
        return COMPARE[self.op](value, self.threshold)


@dataclass(frozen=True)
class Expression:
    """A rule's PromQL expression: its text as the file has it, and its tree, parsed once when
    the rule is read so that no evaluation parses it again."""

    text: str
    tree: ast.Expr = field(repr=False, compare=False)

    @classmethod
    def of(cls, text: str) -> Expression:
        """Raises PromQLError for a text the parser refuses."""
        return cls(text, parse(text))


@dataclass(frozen=True)
class GroupRule:
    """A Prometheus alerting rule: alert ``name`` for each series ``expr`` returns, once it has
    returned it for ``for_s``; still firing ``keep_firing_for_s`` after it stops."""

    name: str
    expr: Expression
    for_s: float = 0.0
    keep_firing_for_s: float = 0.0
    labels: Pairs = ()
    annotations: Pairs = ()

    def __post_init__(self) -> None:
        keyed("alert", rules.not_empty, self.name)
        keyed("for", not_negative, self.for_s)
        keyed("keep_firing_for", not_negative, self.keep_firing_for_s)


@dataclass(frozen=True)
class RecordingRule:
    """A Prometheus recording rule: each series ``expr`` returns is stored as a sample of the
    series named ``name`` (its ``__name__`` replaced), the rule's labels over its own."""

    name: str
    expr: Expression
    labels: Pairs = ()

    def __post_init__(self) -> None:
        keyed("record", metric_name, self.name)


@dataclass(frozen=True)
class RuleGroup:
    """A Prometheus rule group: its rules evaluated together every ``interval_s``, in order;
    ``limit`` bounds the alerts or series one rule may have (0: no bound), as Prometheus's."""

    name: str
    interval_s: float
    rules: tuple[GroupRule | RecordingRule, ...] = ()
    limit: int = 0

    @property
    def alerting(self) -> tuple[GroupRule, ...]:
        return tuple(rule for rule in self.rules if isinstance(rule, GroupRule))

    def __post_init__(self) -> None:
        keyed("name", rules.not_empty, self.name)
        keyed("interval", rules.positive, self.interval_s)


@dataclass(frozen=True)
class Webhook:
    """POSTs Alertmanager's webhook JSON (version 4) to ``url``."""

    url: str
    send_resolved: bool = True
    username: str = ""
    password: str = field(default="", repr=False)
    timeout_s: float = 10.0
    max_alerts: int = 0


@dataclass(frozen=True)
class Email:
    """Mails a plain-text summary through ``smarthost`` (host:port), STARTTLS unless told not."""

    to: tuple[str, ...]
    sender: str
    smarthost: str
    username: str = ""
    password: str = field(default="", repr=False)
    require_tls: bool = True
    tls: TLSConfig = field(default_factory=TLSConfig)
    send_resolved: bool = False
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        keyed("smarthost", rules.address, self.smarthost)


ChannelKind = Literal[
    "slack", "discord", "msteams", "telegram", "pagerduty", "opsgenie", "ntfy", "gotify", "pushover"
]  # fmt: skip


@dataclass(frozen=True)
class Channel:
    """A chat or paging service a receiver posts to (scraper/alerts/channels.py reads them).

    ``url`` is the endpoint (for Slack, Discord and Teams webhooks the secret is part of it);
    ``secret`` the bot token, routing key, API key or app token; ``recipient`` the chat, topic,
    channel or user key; ``options`` the service's own settings (priority, severity, ...)."""

    kind: ChannelKind
    url: str = field(repr=False)
    secret: str = field(default="", repr=False)
    recipient: str = field(default="", repr=False)
    options: Pairs = ()
    send_resolved: bool = True
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        keyed("url", rules.http_url, self.url)

    def option(self, name: str, default: str = "") -> str:
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class Receiver:
    name: str
    webhooks: tuple[Webhook, ...] = ()
    emails: tuple[Email, ...] = ()
    channels: tuple[Channel, ...] = ()


@dataclass(frozen=True)
class Route:
    """Where matching alerts go and how they are batched (Alertmanager's defaults)."""

    receiver: str
    matchers: tuple[Matcher, ...] = ()
    group_by: tuple[str, ...] = ("alertname",)
    group_wait_s: float = 30.0
    group_interval_s: float = 300.0
    repeat_interval_s: float = 4 * 3600.0

    def __post_init__(self) -> None:
        keyed("group_interval", rules.positive, self.group_interval_s)
        keyed("repeat_interval", rules.positive, self.repeat_interval_s)


@dataclass(frozen=True)
class Delivery:
    """How hard a notification is pushed through a failing receiver."""

    attempts: int = 5
    backoff_s: float = 1.0
    queue: int = 1000


@dataclass(frozen=True)
class AlertsConfig:
    """A whole alerts.yml with the built-in rules merged in; ``rules`` holds enabled ones only,
    ``groups`` the Prometheus rule groups."""

    path: str = ""
    rules: tuple[Rule, ...] = ()
    groups: tuple[RuleGroup, ...] = ()
    receivers: tuple[Receiver, ...] = ()
    routes: tuple[Route, ...] = ()
    default_route: Route | None = None
    external_url: str = "http://127.0.0.1:8080"
    evaluation_interval_s: float = 5.0
    resolved_keep_s: float = 3600.0
    delivery: Delivery = Delivery()

    def __post_init__(self) -> None:
        keyed("evaluation_interval", rules.positive, self.evaluation_interval_s)

    def route(self, labels: dict[str, str]) -> Route | None:
        """The first child route all of whose matchers match, else the default."""
        for route in self.routes:
            if all(matcher.matches(labels) for matcher in route.matchers):
                return route
        return self.default_route

    def receiver(self, name: str) -> Receiver:
        return next(receiver for receiver in self.receivers if receiver.name == name)

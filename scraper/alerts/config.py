"""Loading alerts.yml: global settings, rules merged over the built-in ones, Prometheus rule
groups (groups.py), receivers, route.

Errors name file, line and column exactly as targets.yml's do (the same node walker).
"""

from __future__ import annotations

import dataclasses
import os

from scraper.alerts import template
from scraper.alerts.defaults import BUILT_IN
from scraper.alerts.groups import read_groups
from scraper.alerts.matchers import read_matchers
from scraper.alerts.model import (
    AlertsConfig,
    Delivery,
    Rule,
    comparison,
    metric_name,
    not_negative,
    severity,
)
from scraper.alerts.routing import http_url, read_receivers, read_route
from scraper.alerts.sections import GLOBAL, RULE, TOP
from scraper.config.jobs import positive_duration
from scraper.config.nodes import Fields, Node, Reader, boolean, duration, integer, number, string
from scraper.config.rules import non_negative, not_empty, quote
from scraper.config.targets import Unique, read_labels


def load(path: str | os.PathLike[str]) -> AlertsConfig:
    """The valid alerts configuration in ``path``; ConfigErrors lists every problem."""
    reader = Reader(os.fspath(path))
    fields = reader.fields(reader.root(), TOP)
    config = _global(reader, fields.get("global"))
    receivers = read_receivers(reader, fields.get("receivers"))
    default, routes = read_route(reader, fields.get("route"), {r.name for r in receivers})
    rules = _rules(reader, fields.get("rules"))
    taken = {rule.name for rule in rules}
    groups = read_groups(reader, fields.get("groups"), config.evaluation_interval_s, taken)
    reader.check()
    return dataclasses.replace(
        config,
        path=reader.file,
        rules=rules,
        groups=groups,
        receivers=receivers,
        routes=routes,
        default_route=default,
    )


def load_or_defaults(path: str, required: bool) -> AlertsConfig:
    """:func:`load`, except that a missing file not ``required`` means the built-in rules."""
    if not required and not os.path.exists(path):
        return AlertsConfig(path=path, rules=BUILT_IN)
    return load(path)


def _global(reader: Reader, node: Node | None) -> AlertsConfig:
    fields = reader.fields(node, GLOBAL)
    defaults, delivery = AlertsConfig(), Delivery()

    def positive_int(item: Node) -> int:
        return max(1, non_negative(integer(item)))

    return AlertsConfig(
        external_url=reader.get(
            fields, "external_url", lambda item: http_url(item).rstrip("/"), defaults.external_url
        ),
        evaluation_interval_s=reader.get(
            fields, "evaluation_interval", positive_duration, defaults.evaluation_interval_s
        ),
        resolved_keep_s=reader.get(
            fields, "resolved_keep", positive_duration, defaults.resolved_keep_s
        ),
        delivery=Delivery(
            attempts=reader.get(fields, "notify_attempts", positive_int, delivery.attempts),
            backoff_s=reader.get(fields, "notify_backoff", positive_duration, delivery.backoff_s),
            queue=reader.get(fields, "notify_queue", positive_int, delivery.queue),
        ),
    )


def _rules(reader: Reader, node: Node | None) -> tuple[Rule, ...]:
    """The built-in rules with alerts.yml's overrides applied, then its own rules in order."""
    names = Unique(lambda item: not_empty(string(item)))
    read = [_rule(reader, item, names) for item in reader.items(node, "rules")]
    given = {rule.name: rule for rule in read if rule is not None}
    merged = [given.pop(rule.name, rule) for rule in BUILT_IN]
    return tuple(rule for rule in [*merged, *given.values()] if rule.enabled)


def _rule(reader: Reader, node: Node, names: Unique) -> Rule | None:
    fields = reader.fields(node, RULE)
    name = reader.required(node, fields, "alert", names)
    base = next((rule for rule in BUILT_IN if rule.name == name), None)
    if base is None and name is not None and "metric" not in fields:
        reader.problem(node, f'rule {quote(name)}: missing required key "metric"')
    rule = _rule_fields(reader, fields, base or Rule(name or "unnamed", "up"))
    return rule if name else None


def _rule_fields(reader: Reader, fields: Fields, base: Rule) -> Rule:
    def text(key: str, default: str) -> str:
        return reader.get(fields, key, lambda item: template.check(string(item)), default)

    return dataclasses.replace(
        base,
        metric=reader.get(fields, "metric", lambda item: metric_name(string(item)), base.metric),
        op=reader.get(fields, "op", lambda item: comparison(string(item)), base.op),
        threshold=reader.get(fields, "threshold", number, base.threshold),
        matchers=read_matchers(reader, fields, base.matchers),
        for_s=reader.get(fields, "for", lambda item: not_negative(duration(item)), base.for_s),
        severity=reader.get(fields, "severity", lambda item: severity(string(item)), base.severity),
        labels=read_labels(reader, fields["labels"]) if "labels" in fields else base.labels,
        summary=text("summary", base.summary),
        description=text("description", base.description),
        enabled=reader.get(fields, "enabled", boolean, base.enabled),
    )

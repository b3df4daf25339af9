"""The alerting in force as a JSON document for the /alerts page: rules with their thresholds
and ``for``, rule groups with their expressions, receivers with their integrations, the route.
Never a secret: an integration is named by its kind (a Slack or Discord URL is itself the
secret)."""

from __future__ import annotations

import json
from typing import Any

from model.matchers import Matcher
from scraper.alerts.defaults import BUILT_IN
from scraper.alerts.dispatch import integrations
from scraper.alerts.model import AlertsConfig, GroupRule, RecordingRule, Route, Rule, RuleGroup


def document(config: AlertsConfig) -> dict[str, Any]:
    return {
        "file": config.path,
        "rules": [_rule(rule) for rule in config.rules],
        "groups": [_group(group) for group in config.groups],
        "receivers": [
            {
                "name": receiver.name,
                "integrations": [
                    {"name": found.name, "kind": found.kind}
                    for found in integrations(config, receiver.name)
                ],
            }
            for receiver in config.receivers
        ],
        "route": _route(config.default_route, config.routes),
    }


def _rule(rule: Rule) -> dict[str, Any]:
    built_in = {found.name: found for found in BUILT_IN}
    source = (
        "built-in"
        if built_in.get(rule.name) == rule
        else ("alerts.yml (over the built-in)" if rule.name in built_in else "alerts.yml")
    )
    return {
        "name": rule.name,
        "metric": rule.metric,
        "matchers": [_matcher(matcher) for matcher in rule.matchers],
        "op": rule.op,
        "threshold": rule.threshold,
        "for_s": rule.for_s,
        "severity": rule.severity,
        "source": source,
    }


def _group(group: RuleGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "interval_s": group.interval_s,
        "limit": group.limit,
        "rules": [_group_rule(rule) for rule in group.rules],
    }


def _group_rule(rule: GroupRule | RecordingRule) -> dict[str, Any]:
    """A group's rule; a recording rule says so (``record``), and waits for nothing."""
    shown = {"name": rule.name, "expr": rule.expr.text, "labels": dict(rule.labels)}
    if isinstance(rule, RecordingRule):
        return {**shown, "record": True, "for_s": 0.0, "keep_firing_for_s": 0.0}
    return {
        **shown,
        "record": False,
        "for_s": rule.for_s,
        "keep_firing_for_s": rule.keep_firing_for_s,
    }


def _route(default: Route | None, children: tuple[Route, ...]) -> dict[str, Any] | None:
    if default is None:
        return None
    return {
        "receiver": default.receiver,
        "group_by": list(default.group_by),
        "group_wait_s": default.group_wait_s,
        "group_interval_s": default.group_interval_s,
        "repeat_interval_s": default.repeat_interval_s,
        "routes": [
            {"matchers": [_matcher(m) for m in child.matchers], "receiver": child.receiver}
            for child in children
        ],
    }


def _matcher(matcher: Matcher) -> str:
    return f"{matcher.name}{matcher.op}{json.dumps(matcher.value, ensure_ascii=False)}"

"""What an alert is made of, given a rule and a series: its labels, its fingerprint and its
annotations."""

from __future__ import annotations

from typing import NamedTuple

from model.samples import Labels
from scraper.alerts import template
from scraper.alerts.model import GroupRule, Rule
from scraper.fingerprint import fingerprint


def alert_labels(rule: Rule, series: Labels) -> Labels:
    """The series' labels, the rule's labels over them, then alertname and severity."""
    merged = {**dict(series), **dict(rule.labels), "alertname": rule.name}
    merged.setdefault("severity", rule.severity)
    return tuple(sorted(merged.items()))


def alert_fingerprint(labels: Labels) -> str:
    """16 hex digits identifying an alert by its labels, like Alertmanager's."""
    return f"{fingerprint(repr(labels)):016x}"


def alert_annotations(rule: Rule, labels: Labels, value: float) -> Labels:
    """The rule's summary and description with the alert's labels and value filled in."""
    found = dict(labels)
    texts = {"summary": rule.summary, "description": rule.description}
    return tuple(
        (name, template.expand(text, found, value)) for name, text in texts.items() if text
    )


class Instance(NamedTuple):
    """One alert a rule group's rule asks for: one series of its expression's result."""

    labels: Labels
    annotations: Labels
    value: float


def group_instance(rule: GroupRule, series: Labels, value: float) -> Instance:
    """As Prometheus makes an alert of a result series: its labels without ``__name__``, the
    rule's labels (templated) over them, then alertname; annotations templated with the series'
    own labels (``__name__`` included, as ``{{ $labels }}`` shows it) and the value."""
    found = dict(series)

    def text(value_template: str) -> str:
        return template.expand(value_template, found, value, prometheus=True)

    merged = {name: value for name, value in series if name != "__name__"}
    merged.update((name, text(given)) for name, given in rule.labels)
    merged = {name: value for name, value in merged.items() if value}
    merged["alertname"] = rule.name
    annotations = tuple((name, text(given)) for name, given in rule.annotations)
    return Instance(tuple(sorted(merged.items())), annotations, value)

"""What an alert is made of, given a rule and a series: its labels, its fingerprint and its
annotations."""

from __future__ import annotations

from model.samples import Labels
from scraper.alerts import template
from scraper.alerts.model import Rule
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

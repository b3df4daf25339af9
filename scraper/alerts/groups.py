"""Reading the ``groups:`` of alerts.yml: Prometheus rule groups of alerting and recording rules,
the format of the rule files ``promtool check rules`` reads. Each expression is parsed here,
once: a bad one is refused with the file, line and column of its mistake before anything runs,
and the evaluations reuse the tree."""

from __future__ import annotations

from collections.abc import Collection

import yaml

from model.errors import ConfigError, PromQLError
from promql.parsing import error_offset
from scraper.alerts import template
from scraper.alerts.model import (
    Expression,
    GroupRule,
    Pairs,
    RecordingRule,
    RuleGroup,
    metric_name,
    not_negative,
)
from scraper.alerts.sections import GROUP, GROUP_RULE, RECORDING_RULE
from scraper.config.jobs import positive_duration
from scraper.config.nodes import Fields, Node, Reader, describe, duration, integer, string
from scraper.config.rules import non_negative, not_empty, quote
from scraper.config.targets import Unique, read_labels

_TEXT_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def read_groups(
    reader: Reader, node: Node | None, default_interval_s: float, taken: Collection[str]
) -> tuple[RuleGroup, ...]:
    """The groups in order. An alert name is one rule's in all of alerts.yml (``taken``: the
    threshold rules'), since hostwatch keys an alert's state by its rule's name; a recorded
    series' name may repeat."""
    unique = Unique(lambda item: not_empty(string(item)))
    names = Unique(lambda item: _alert_name(item, taken))
    found = (
        _group(reader, item, default_interval_s, unique, names)
        for item in reader.items(node, "groups")
    )
    return tuple(group for group in found if group is not None)


def _group(
    reader: Reader, node: Node, default_interval_s: float, unique: Unique, names: Unique
) -> RuleGroup | None:
    fields = reader.fields(node, GROUP)
    name = reader.required(node, fields, "name", unique)
    interval = reader.get(fields, "interval", positive_duration, default_interval_s)
    limit = reader.get(fields, "limit", lambda item: non_negative(integer(item)), 0)
    found = (_rule(reader, item, names) for item in reader.items(fields.get("rules"), "rules"))
    rules = tuple(rule for rule in found if rule is not None)
    return RuleGroup(name, interval, rules, limit) if name else None


def _rule(reader: Reader, node: Node, names: Unique) -> GroupRule | RecordingRule | None:
    pairs = node.value if isinstance(node, yaml.MappingNode) else []
    keys = {key.value for key, _ in pairs if isinstance(key, yaml.ScalarNode)}
    if {"alert", "record"} <= keys:
        reader.problem(node, "a rule is either an alert: or a record:, not both")
        return None
    if "record" in keys:
        return _recording(reader, node)
    fields = reader.fields(node, GROUP_RULE)
    name = reader.required(node, fields, "alert", names)
    expr = _required_expression(reader, node, fields)

    def wait(key: str) -> float:
        return reader.get(fields, key, lambda item: not_negative(duration(item)), 0.0)

    labels = _templated(reader, fields.get("labels"))
    annotations = _annotations(reader, fields.get("annotations"))
    if name is None or expr is None:
        return None
    return GroupRule(name, expr, wait("for"), wait("keep_firing_for"), labels, annotations)


def _recording(reader: Reader, node: Node) -> RecordingRule | None:
    """A recording rule; its name need not be unique (rules often record one series name for
    different label sets), and its labels are not templates, as in Prometheus."""
    fields = reader.fields(node, RECORDING_RULE)
    name = reader.required(node, fields, "record", lambda item: metric_name(string(item)))
    expr = _required_expression(reader, node, fields)
    labels = read_labels(reader, fields.get("labels"))
    if name is None or expr is None:
        return None
    return RecordingRule(name, expr, labels)


def _alert_name(node: Node, taken: Collection[str]) -> str:
    name = metric_name(string(node))
    if name in taken:
        raise ConfigError(f"{quote(name)} is already a rule under rules: (built-in or not)")
    return name


def _required_expression(reader: Reader, node: Node, fields: Fields) -> Expression | None:
    if "expr" not in fields:
        reader.problem(node, f"missing required key {quote('expr')}")
        return None
    return _expression(reader, fields["expr"])


def _expression(reader: Reader, node: Node) -> Expression | None:
    """The expression, parsed once here for every evaluation to come; else None, its error
    recorded at the position in the file the parser points to."""
    if not (isinstance(node, yaml.ScalarNode) and node.tag in _TEXT_TAGS):
        reader.problem(node, f"expr: expected a PromQL expression, got {describe(node)}")
        return None
    try:
        return Expression.of(str(node.value))
    except PromQLError as error:
        _problem_at(reader, node, error.message)
        return None


def _problem_at(reader: Reader, node: Node, message: str) -> None:
    """Record ``message`` at the place in the file the parser's message points to."""
    start, end = node.start_mark, node.end_mark
    raw = start.buffer[start.index : end.index] if start.buffer is not None else str(node.value)
    before = raw[: error_offset(raw, message)]
    line = start.line + before.count("\n")
    column = len(before) - before.rfind("\n") - 1 if "\n" in before else start.column + len(before)
    reader.problems.append(
        ConfigError(f"expr: {message}", file=reader.file, line=line + 1, column=column + 1)
    )


def _annotations(reader: Reader, node: Node | None) -> Pairs:
    texts = []
    for name, _key, value in reader.pairs(node, "annotations"):
        text = reader.read(
            value,
            f"annotation {quote(name)}",
            lambda item: template.check(string(item), prometheus=True),
        )
        if text is not None:
            texts.append((name, text))
    return tuple(sorted(texts))


def _templated(reader: Reader, node: Node | None) -> Pairs:
    """The rule's labels, whose values may hold the same template fields as annotations."""
    if node is None:
        return ()
    labels = read_labels(reader, node)
    for name, value in labels:
        try:
            template.check(value, prometheus=True)
        except ConfigError as error:
            reader.problem(node, f"label {quote(name)}: {error.message}")
    return labels

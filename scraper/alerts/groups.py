"""Reading the ``groups:`` of alerts.yml: Prometheus rule groups, the format of the rule files
``promtool check rules`` reads. Each expression is parsed here, once, so a bad one is refused
with the file, line and column of its mistake before anything runs."""

from __future__ import annotations

from collections.abc import Collection

import yaml

from model.errors import ConfigError, PromQLError
from model.names import METRIC_NAME_SYNTAX, is_metric_name
from promql import parse
from promql.parsing import error_offset
from scraper.alerts import template
from scraper.alerts.model import GroupRule, Pairs, RuleGroup, not_negative
from scraper.alerts.sections import GROUP, GROUP_RULE
from scraper.config.jobs import positive_duration
from scraper.config.nodes import Node, Reader, describe, duration, integer, string
from scraper.config.rules import non_negative, not_empty, quote
from scraper.config.targets import Unique, read_labels

_TEXT_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def read_groups(
    reader: Reader, node: Node | None, default_interval_s: float, taken: Collection[str]
) -> tuple[RuleGroup, ...]:
    """The groups in order. An alert name is one rule's in all of alerts.yml (``taken``: the
    threshold rules'), since hostwatch keys an alert's state by its rule's name."""
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


def _rule(reader: Reader, node: Node, names: Unique) -> GroupRule | None:
    if isinstance(node, yaml.MappingNode) and any(key.value == "record" for key, _ in node.value):
        reader.problem(
            node,
            "recording rules (record:) are not supported by hostwatch: "
            "use the expression in an alert, or a query on the explorer page",
        )
        return None
    fields = reader.fields(node, GROUP_RULE)
    name = reader.required(node, fields, "alert", names)
    expr = None
    if "expr" in fields:
        expr = _expression(reader, fields["expr"])
    else:
        reader.problem(node, f"missing required key {quote('expr')}")

    def wait(key: str) -> float:
        return reader.get(fields, key, lambda item: not_negative(duration(item)), 0.0)

    labels = _templated(reader, fields.get("labels"))
    annotations = _annotations(reader, fields.get("annotations"))
    if name is None or expr is None:
        return None
    return GroupRule(name, expr, wait("for"), wait("keep_firing_for"), labels, annotations)


def _alert_name(node: Node, taken: Collection[str]) -> str:
    name = string(node)
    if not is_metric_name(name):
        raise ConfigError(f"expected a name {METRIC_NAME_SYNTAX}, got {quote(name)}")
    if name in taken:
        raise ConfigError(f"{quote(name)} is already a rule under rules: (built-in or not)")
    return name


def _expression(reader: Reader, node: Node) -> str | None:
    """The expression's text once promql-parser accepts it; else None, its error recorded at
    the position in the file the parser points to."""
    if not (isinstance(node, yaml.ScalarNode) and node.tag in _TEXT_TAGS):
        reader.problem(node, f"expr: expected a PromQL expression, got {describe(node)}")
        return None
    text = str(node.value)
    try:
        parse(text)
    except PromQLError as error:
        _problem_at(reader, node, error.message)
        return None
    return text


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

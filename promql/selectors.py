"""Series selectors as storage reads them: a metric name and label matchers."""

from __future__ import annotations

import promql_parser as ast

from model.errors import PromQLError
from model.matchers import Matcher, MatchOp
from promql.parsing import parse

# The parser's enums are not hashable: keyed by their names.
OPS: dict[str, MatchOp] = {
    "MatchOp.Equal": "=",
    "MatchOp.NotEqual": "!=",
    "MatchOp.Re": "=~",
    "MatchOp.NotRe": "!~",
}


def matchers(node: ast.VectorSelector) -> list[Matcher]:
    """The selector's matchers, the metric name included as ``__name__``."""
    if node.matchers.or_matchers:
        raise PromQLError("'or' inside a selector's braces is not supported")
    found = [Matcher(m.name, OPS[str(m.op)], m.value) for m in node.matchers.matchers]
    return [Matcher("__name__", "=", node.name), *found] if node.name else found


def selector(text: str) -> list[Matcher]:
    """A ``match[]`` parameter: one series selector such as ``up{job="node"}``."""
    node = parse(text)
    if not isinstance(node, ast.VectorSelector):
        raise PromQLError(f"match[]: {text!r} is not a series selector")
    return matchers(node)

"""PromQL text to an AST, by promql-parser (bindings of GreptimeTeam's Rust parser).

The parser answers a malformed query with a ValueError whose message says what is wrong; it
becomes PromQLError ("bad_data"), as Prometheus answers a parse error.
"""

from __future__ import annotations

from datetime import timedelta

import promql_parser as ast

from model.errors import PromQLError

MAX_QUERY_LENGTH = 64 * 1024


def parse(query: str) -> ast.Expr:
    if not query.strip():
        raise PromQLError("empty query")
    if len(query) > MAX_QUERY_LENGTH:
        raise PromQLError(f"the query is {len(query)} characters; at most {MAX_QUERY_LENGTH}")
    try:
        return ast.parse(query)
    except ValueError as error:
        raise PromQLError(f"parse error: {error}") from error


def ms(delta: timedelta | None) -> int:
    return 0 if delta is None else round(delta / timedelta(milliseconds=1))


def duration_ms(text: str) -> int:
    """A Prometheus duration ("5m", "1h30m") or a number of seconds ("90", "0.5") in ms."""
    try:
        return round(float(text) * 1000)
    except ValueError:
        pass
    try:
        return ms(ast.parse_duration(text))
    except ValueError as error:
        raise PromQLError(f"cannot parse {text!r} to a valid duration") from error

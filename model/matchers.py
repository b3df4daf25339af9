"""Label matchers (``name="v"``, ``!=``, ``=~``, ``!~``) and the one syntax they are written in,
everywhere: the API's ``match[]``, alert rules and routes, silences (API and form).

The syntax is PromQL's selector, with Alertmanager's leniency: braces and quotes are optional
(``{mode=~"user|system", cpu!="0"}``, ``mountpoint!=/boot``). In quotes ``\\\\``, ``\\"``,
``\\n`` and ``\\t`` are escapes; any other backslash stays, so ``\\d`` reaches the regex.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, cast, get_args

from model.errors import QueryError
from model.names import LABEL_NAME_SYNTAX
from model.regex import Regex, compiled

MatchOp = Literal["=", "!=", "=~", "!~"]
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_HEAD = re.compile(rf'\s*({LABEL_NAME_SYNTAX})\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"\s*)?')
_BARE_IN_LIST = re.compile(r'[^",{}]*')
_BARE_ALONE = re.compile(r".*", re.DOTALL)
_EXPECTED = 'expected name="value", name!="value", name=~"regex" or name!~"regex"'


@dataclass(frozen=True, slots=True)
class Matcher:
    """A PromQL label matcher; a regex matches the whole value, and an absent label reads as ""."""

    name: str
    op: MatchOp
    value: str
    _regex: Regex | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.op not in get_args(MatchOp):
            raise QueryError(f"matcher {self.name!r}: unknown operator {self.op!r}")
        if self.op in ("=~", "!~"):
            object.__setattr__(self, "_regex", compiled(self.value))

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.name, "")
        if self._regex is not None:
            return self._regex.matches(actual) == (self.op == "=~")
        return (actual == self.value) == (self.op == "=")


def parse_matcher(text: str) -> Matcher:
    """One matcher; a value without quotes runs to the end of ``text``."""
    found, end = _read(text, 0, _BARE_ALONE)
    if end != len(text):
        raise QueryError(f"{_EXPECTED}, got {json.dumps(text, ensure_ascii=False)}")
    return found


def parse_matchers(text: str) -> tuple[Matcher, ...]:
    """Matchers separated by commas, in braces or not; ``{}`` and "" are none."""
    inner = text.strip()
    if inner.startswith("{") and inner.endswith("}"):
        inner = inner[1:-1]
    found: list[Matcher] = []
    position = 0
    while inner[position:].strip():
        matcher, position = _read(inner, position, _BARE_IN_LIST)
        found.append(matcher)
        if position < len(inner) and inner[position] != ",":
            raise QueryError(f"{json.dumps(text, ensure_ascii=False)}: separate matchers by commas")
        position += 1
    return tuple(found)


def format_matcher(matcher: Matcher) -> str:
    """``matcher`` as :func:`parse_matcher` reads it back."""
    value = matcher.value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{matcher.name}{matcher.op}"{value}"'


def _read(text: str, position: int, bare: re.Pattern[str]) -> tuple[Matcher, int]:
    """The matcher at ``position`` and where it ends (trailing spaces included)."""
    head = _HEAD.match(text, position)
    if head is None:
        raise QueryError(f"{_EXPECTED}, got {json.dumps(text, ensure_ascii=False)}")
    if head[3] is not None:
        value, end = _unescape(head[3]), head.end()
    else:
        rest = bare.match(text, head.end())
        assert rest is not None  # both patterns match the empty string
        value, end = rest[0].rstrip(), rest.end()
    return Matcher(head[1], cast(MatchOp, head[2]), value), end


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m[1], m[0]), text) if "\\" in text else text

"""Label matchers written as Alertmanager writes them: ``severity="critical"``,
``instance=~"db.*"``, ``mountpoint!=/boot`` (quotes optional). Rules, routes and silences
(alerts.yml, the /alerts form, the API) all take this one syntax."""

from __future__ import annotations

import re

from model.errors import ConfigError, QueryError
from scraper.config.nodes import Fields, Reader, string
from scraper.config.rules import quote
from storage import Matcher

_MATCHER = re.compile(
    r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|(.*?))\s*'
)


def parse_matcher(text: str) -> Matcher:
    """One matcher; a ConfigError says what is wrong with ``text``."""
    found = _MATCHER.fullmatch(text)
    if found is None:
        raise ConfigError(
            f'expected name="value", name!="value", name=~"regex" or name!~"regex", '
            f"got {quote(text)}"
        )
    value = found[4] if found[3] is None else re.sub(r'\\(["\\])', r"\1", found[3])
    try:
        return Matcher(found[1], found[2], value)  # type: ignore[arg-type]  # op matched above
    except QueryError as error:
        raise ConfigError(str(error)) from None


def format_matcher(matcher: Matcher) -> str:
    """``matcher`` as :func:`parse_matcher` reads it back."""
    value = matcher.value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{matcher.name}{matcher.op}"{value}"'


def read_matchers(
    reader: Reader, fields: Fields, default: tuple[Matcher, ...]
) -> tuple[Matcher, ...]:
    """The list under ``matchers`` in ``fields``; ``default`` when there is none."""
    if "matchers" not in fields:
        return default
    found = (
        reader.read(item, "matchers", lambda node: parse_matcher(string(node)))
        for item in reader.items(fields["matchers"], "matchers")
    )
    return tuple(matcher for matcher in found if matcher is not None)

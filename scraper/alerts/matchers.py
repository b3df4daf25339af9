"""The ``matchers`` list of a rule or route in alerts.yml, in model.matchers' one syntax."""

from __future__ import annotations

from model.errors import ConfigError, QueryError
from model.matchers import Matcher, parse_matcher
from scraper.config.nodes import Fields, Node, Reader, string


def read_matchers(
    reader: Reader, fields: Fields, default: tuple[Matcher, ...]
) -> tuple[Matcher, ...]:
    """The list under ``matchers`` in ``fields``; ``default`` when there is none."""
    if "matchers" not in fields:
        return default
    found = (
        reader.read(item, "matchers", _matcher)
        for item in reader.items(fields["matchers"], "matchers")
    )
    return tuple(matcher for matcher in found if matcher is not None)


def _matcher(node: Node) -> Matcher:
    try:
        return parse_matcher(string(node))
    except QueryError as error:
        raise ConfigError(str(error)) from None

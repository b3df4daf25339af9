"""Summary and description templates: Prometheus's ``{{ $labels.name }}`` and ``{{ $value }}``,
substituted as plain text. Nothing else is allowed between braces, so a template can never run
code, and a typo is refused when alerts.yml is loaded instead of showing up in a notification."""

from __future__ import annotations

import re
from collections.abc import Mapping

from model.errors import ConfigError
from model.names import LABEL_NAME_SYNTAX
from scraper.config.rules import quote

_FIELD = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_KNOWN = re.compile(r"\s*\$(?:labels\.(" + LABEL_NAME_SYNTAX + r")|(value))\s*")


def check(template: str) -> str:
    """``template`` if every ``{{ }}`` in it is a label or the value."""
    for field in _FIELD.finditer(template):
        if not _KNOWN.fullmatch(field[1]):
            raise ConfigError(
                f"unsupported template field {quote(field[0])}: "
                "use {{ $labels.<name> }} or {{ $value }}"
            )
    return template


def expand(template: str, labels: Mapping[str, str], value: float) -> str:
    """The text with each field replaced; an absent label reads as empty, as in Prometheus."""

    def field(found: re.Match[str]) -> str:
        known = _KNOWN.fullmatch(found[1])
        if known is None:  # checked at load; a hand-built rule may still hold one
            return found[0]
        return format_value(value) if known[2] else labels.get(known[1], "")

    return _FIELD.sub(field, template)


def format_value(value: float) -> str:
    """A value the way people read it: 93.4568, 1.5e+09, 0."""
    return f"{value:.6g}"

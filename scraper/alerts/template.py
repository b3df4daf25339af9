"""Summary and description templates: Prometheus's ``{{ $labels.name }}`` and ``{{ $value }}``,
substituted as plain text. Nothing else is allowed between braces, so a template can never run
code, and a typo is refused when alerts.yml is loaded instead of showing up in a notification.

Rule groups' annotations (``prometheus=True``) also take ``{{ $labels }}`` and the ``humanize``
and ``humanizePercentage`` functions, and print numbers as Prometheus's Go templates do."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal

from model.errors import ConfigError
from model.names import LABEL_NAME_SYNTAX
from scraper.config.rules import quote

_FIELD = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_KNOWN = re.compile(r"\s*\$(?:labels\.(" + LABEL_NAME_SYNTAX + r")|(value))\s*")
# {{ $labels }}, {{ $value | humanize }}, {{ humanize $value }}, {{ humanizePercentage $value }}
_GROUP = re.compile(
    r"\s*(?:\$(labels)|\$value\s*\|\s*(humanize(?:Percentage)?)|(humanize(?:Percentage)?)\s+\$value)\s*"
)
_PREFIXES = {
    1: ("k", "M", "G", "T", "P", "E", "Z", "Y"),
    -1: ("m", "u", "n", "p", "f", "a", "z", "y"),
}


def check(template: str, prometheus: bool = False) -> str:
    """``template`` if every ``{{ }}`` in it is a label or the value."""
    for field in _FIELD.finditer(template):
        if not (_KNOWN.fullmatch(field[1]) or (prometheus and _GROUP.fullmatch(field[1]))):
            also = ", {{ $labels }}, {{ $value | humanize }}" if prometheus else ""
            raise ConfigError(
                f"unsupported template field {quote(field[0])}: "
                f"use {{{{ $labels.<name> }}}} or {{{{ $value }}}}{also}"
            )
    return template


def expand(template: str, labels: Mapping[str, str], value: float, prometheus: bool = False) -> str:
    """The text with each field replaced; an absent label reads as empty, as in Prometheus."""
    number = go_number if prometheus else format_value

    def field(found: re.Match[str]) -> str:
        known = _KNOWN.fullmatch(found[1])
        if known is not None:
            return number(value) if known[2] else labels.get(known[1], "")
        extra = _GROUP.fullmatch(found[1]) if prometheus else None
        if extra is None:  # checked at load; a hand-built rule may still hold one
            return found[0]
        if extra[1]:
            return "map[" + " ".join(f"{k}:{v}" for k, v in sorted(labels.items())) + "]"
        return humanize(value, percentage=(extra[2] or extra[3]).endswith("Percentage"))

    return _FIELD.sub(field, template)


def format_value(value: float) -> str:
    """A value the way people read it: 93.4568, 1.5e+09, 0."""
    return f"{value:.6g}"


def go_number(value: float) -> str:
    """``value`` as Go prints a float64 (``%v``): the shortest exact digits, with an exponent
    below 1e-4 or from 1e6 on: 93.45678912, 123456, 1.234567e+06, 0.1, NaN, +Inf."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)  # finite
    text = "".join(map(str, digits)).rstrip("0") or "0"
    point = len(digits) + exponent  # digits before the decimal point
    minus = "-" if sign else ""
    if text == "0":
        return f"{minus}0"
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}e{point - 1:+03d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{minus}{text}{'0' * (point - len(text))}"
    return f"{minus}{text[:point]}.{text[point:]}"


def humanize(value: float, percentage: bool = False) -> str:
    """Prometheus's ``humanize`` (1.235k, 12.5m) and ``humanizePercentage`` (12.34%)."""
    if percentage:
        return f"{value * 100:.4g}%"
    if value == 0 or math.isnan(value) or math.isinf(value):
        return f"{value:.4g}"
    direction = 1 if abs(value) >= 1 else -1
    prefix = ""
    for name in _PREFIXES[direction]:
        if (abs(value) < 1000) if direction == 1 else (abs(value) >= 1):
            break
        prefix, value = name, value / 1000 if direction == 1 else value * 1000
    return f"{value:.4g}{prefix}"

"""What differs between text 0.0.4 and OpenMetrics 1.0, in one place.

Everything else (names, label syntax, value grammar) the two formats share.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scraper.parser import number

_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class Dialect:
    """The rules of one exposition format."""

    name: str
    openmetrics: bool
    spaces: str
    """Characters of optional whitespace between tokens ("" in OpenMetrics: one space exactly)."""
    keywords: frozenset[str]
    """The ``# KEYWORD`` comments that carry metadata."""
    suffixes: Mapping[str, tuple[str, ...]]
    """Each metric type of the format, and the sample-name suffixes a family of that type has."""
    untyped: str
    help_escapes: Mapping[str, str]
    timestamp_ms: Callable[[str], int | None]
    trailing_comma: bool

    def unescape_help(self, text: str) -> str:
        return _unescape(text, self.help_escapes) if "\\" in text else text


LABEL_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


def unescape_label_value(text: str) -> str:
    return _unescape(text, LABEL_ESCAPES) if "\\" in text else text


def _unescape(text: str, escapes: Mapping[str, str]) -> str:
    # An unknown escape stays as written, as Prometheus and prometheus-client both keep it.
    return _ESCAPE.sub(lambda match: escapes.get(match[1], match[0]), text)


TEXT = Dialect(
    name="text 0.0.4",
    openmetrics=False,
    spaces=" \t",
    keywords=frozenset({"HELP", "TYPE"}),
    suffixes={
        "counter": ("",),
        "gauge": ("",),
        "untyped": ("",),
        "histogram": ("_bucket", "_sum", "_count"),
        "summary": ("", "_sum", "_count"),
    },
    untyped="untyped",
    help_escapes={"\\": "\\", "n": "\n"},
    timestamp_ms=number.text_timestamp_ms,
    trailing_comma=True,
)

OPENMETRICS = Dialect(
    name="OpenMetrics 1.0",
    openmetrics=True,
    spaces="",
    keywords=frozenset({"HELP", "TYPE", "UNIT"}),
    suffixes={
        "counter": ("_total", "_created"),
        "gauge": ("",),
        "unknown": ("",),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "gaugehistogram": ("_bucket", "_gsum", "_gcount"),
        "summary": ("", "_sum", "_count", "_created"),
        "info": ("_info",),
        "stateset": ("",),
    },
    untyped="unknown",
    help_escapes=LABEL_ESCAPES,
    timestamp_ms=number.openmetrics_timestamp_ms,
    trailing_comma=False,
)

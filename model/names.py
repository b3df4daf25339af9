"""Metric and label names: the one rule every part checks a name with, as Prometheus has it.

The parser tokenizes with these patterns; config, the API and storage check a name with
:func:`is_metric_name`/:func:`is_label_name`; messages quote the ``*_SYNTAX`` strings.
"""

from __future__ import annotations

import json
import re

METRIC_NAME_SYNTAX = "[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_NAME_SYNTAX = "[a-zA-Z_][a-zA-Z0-9_]*"
METRIC_NAME = re.compile(METRIC_NAME_SYNTAX)
LABEL_NAME = re.compile(LABEL_NAME_SYNTAX)
RESERVED_LABEL = "__name__"
"""Prometheus keeps the metric name under this label, so a sample may not set it too."""


def is_metric_name(text: str) -> bool:
    return METRIC_NAME.fullmatch(text) is not None


def is_label_name(text: str) -> bool:
    return LABEL_NAME.fullmatch(text) is not None


def settable_label_problem(text: str) -> str:
    """What is wrong with ``text`` as a label name a user sets (a target's labels, a silence's
    matchers), or "": names starting with ``__`` are Prometheus's own."""
    quoted = json.dumps(text, ensure_ascii=False)
    if not is_label_name(text):
        return f"invalid label name {quoted}: expected {LABEL_NAME_SYNTAX}"
    if text.startswith("__"):
        return f"label name {quoted} is reserved (names starting with __ are for internal use)"
    return ""

"""The rules a single config value must follow, shared by the YAML walker and the dataclasses.

Each rule returns its value or raises a position-less :class:`ConfigError` saying what was
expected and what was given; the caller adds the key, and the walker the file position.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from typing import TypeVar

import re2

from model.addresses import address_problem
from model.errors import ConfigError
from model.names import LABEL_NAME_SYNTAX, is_label_name, settable_label_problem

T = TypeVar("T")

# Prometheus's file_sd pattern: the file name may hold one *, and must name a JSON or YAML file.
_FILE_SD_PATTERN = re.compile(r"[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)")


QUIET = re2.Options()
QUIET.log_errors = False  # a bad pattern is reported as a config error, not on stderr too


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def keyed(key: str, rule: Callable[[T], T], value: T) -> T:
    """``rule(value)``, its error prefixed with the key it is about."""
    try:
        return rule(value)
    except ConfigError as error:
        raise ConfigError(f"{key}: {error.message}") from None


def not_empty(value: str) -> str:
    if not value:
        raise ConfigError("expected a non-empty string")
    return value


def non_negative(value: int) -> int:
    if value < 0:
        raise ConfigError(f"expected a number >= 0 (0 means no limit), got {value}")
    return value


def positive(value: float) -> float:
    if value <= 0:
        raise ConfigError(f"expected a duration above 0, got {value:g}s")
    return value


def scheme(value: str) -> str:
    if value not in ("http", "https"):
        raise ConfigError(f'expected "http" or "https", got {quote(value)}')
    return value


def metrics_path(value: str) -> str:
    if not value.startswith("/"):
        raise ConfigError(f"expected a path starting with /, got {quote(value)}")
    return value


def label_name(value: str) -> str:
    problem = settable_label_problem(value)
    if problem:
        raise ConfigError(problem)
    return value


def address(value: str) -> str:
    problem = address_problem(value)
    if problem:
        raise ConfigError(problem)
    return value


def file_sd_pattern(value: str) -> str:
    if not _FILE_SD_PATTERN.fullmatch(value):
        raise ConfigError(
            f"expected a .json, .yml or .yaml file, at most one *, got {quote(value)}"
        )
    return value


def timeout_within(timeout: float, interval: float) -> float:
    # A scrape still running when the next is due would overlap it (the loop skips a slot).
    if timeout > interval:
        raise ConfigError(f"{timeout:g}s is longer than scrape_interval {interval:g}s")
    return timeout


def relabel_action(value: str) -> str:
    if value not in ("keep", "drop"):
        raise ConfigError(
            f'expected "keep" or "drop" (the actions hostwatch supports), got {quote(value)}'
        )
    return value


def re2_pattern(value: str) -> str:
    """A regex RE2 compiles: linear-time matching, whatever the pattern."""
    try:
        re2.compile(value, QUIET)
    except re2.error as error:
        reason = (
            error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else error
        )
        raise ConfigError(f"invalid regular expression {quote(value)}: {reason}") from None
    return value


def source_label(value: str) -> str:
    """A label name to read, reserved ones (``__name__``) included."""
    if not is_label_name(value):
        raise ConfigError(f"expected a label name ({LABEL_NAME_SYNTAX}), got {quote(value)}")
    return value


def http_url(value: str) -> str:
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"expected an http:// or https:// URL, got {quote(value)}")
    return value

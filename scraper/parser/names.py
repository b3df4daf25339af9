"""Metric and label names, validated once per process and then found with one dict lookup.

A cached name is interned, so the samples of every scrape share one string per name. The
caches hold valid names only and are emptied when they grow past ``CACHE_MAX`` (a target
inventing new names each scrape must not grow them forever). A name longer than
``CACHED_LENGTH`` (storage's ceiling for metric names) is checked each time and never cached,
so the caches hold at most CACHE_MAX x CACHED_LENGTH characters each, whatever targets serve.
"""

from __future__ import annotations

import re
import sys

from model.names import LABEL_NAME, METRIC_NAME, RESERVED_LABEL

CACHE_MAX = 100_000
CACHED_LENGTH = 256


class Names:
    """The valid names met so far. ``metrics``/``labels`` may be read directly on hot paths."""

    __slots__ = ("labels", "metrics")

    def __init__(self) -> None:
        self.metrics: dict[str, str] = {}
        self.labels: dict[str, str] = {}

    def metric(self, text: str) -> str | None:
        known = self.metrics.get(text)
        return known if known is not None else _learn(self.metrics, METRIC_NAME, text)

    def label(self, text: str) -> str | None:
        known = self.labels.get(text)
        if known is not None or text == RESERVED_LABEL:
            return known
        return _learn(self.labels, LABEL_NAME, text)


def _learn(cache: dict[str, str], pattern: re.Pattern[str], text: str) -> str | None:
    if pattern.fullmatch(text) is None:
        return None
    if len(text) > CACHED_LENGTH:
        return text
    if len(cache) >= CACHE_MAX:
        cache.clear()
    name = cache[text] = sys.intern(text)
    return name


SHARED = Names()
"""The names every parser of the process shares: targets expose mostly the same ones."""

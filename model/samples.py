"""The values that flow from the parser through the scraper into storage."""

from __future__ import annotations

from typing import NamedTuple

Labels = tuple[tuple[str, str], ...]
"""Label pairs. The parser yields them in exposition order; storage requires them sorted by name."""


class Sample(NamedTuple):
    """One sample; ``timestamp_ms`` is None when the exposition gave none (scrape time applies)."""

    name: str
    labels: Labels
    value: float
    timestamp_ms: int | None = None


class Metadata(NamedTuple):
    """What ``# TYPE``/``# HELP``/``# UNIT`` said of a metric family."""

    type: str
    help: str = ""
    unit: str = ""

"""Which format a response is in, from its Content-Type."""

from __future__ import annotations

import enum


class Format(enum.Enum):
    TEXT = "text/plain; version=0.0.4"
    OPENMETRICS = "application/openmetrics-text; version=1.0.0"

    @property
    def openmetrics(self) -> bool:
        return self is Format.OPENMETRICS


ACCEPT = f"{Format.OPENMETRICS.value};q=0.9,{Format.TEXT.value};q=0.5,*/*;q=0.1"
"""The Accept header a scrape sends: OpenMetrics preferred, like Prometheus."""


def format_for(content_type: str) -> Format:
    """OpenMetrics for ``application/openmetrics-text`` (any version), text 0.0.4 otherwise.

    Like Prometheus before 3.0, an unknown or missing type falls back to text 0.0.4, the format
    every exporter has spoken longest.
    """
    media_type = content_type.partition(";")[0].strip().lower()
    return Format.OPENMETRICS if media_type == "application/openmetrics-text" else Format.TEXT

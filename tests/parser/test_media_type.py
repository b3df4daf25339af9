"""format_for: the Content-Type of a response picks the parser."""

from __future__ import annotations

import pytest

from scraper.parser import Format, format_for


@pytest.mark.parametrize(
    "content_type",
    [
        "application/openmetrics-text; version=1.0.0; charset=utf-8",
        "application/openmetrics-text;version=0.0.1",
        "Application/OpenMetrics-Text",
    ],
)
def test_openmetrics_content_types_select_openmetrics(content_type: str) -> None:
    assert format_for(content_type) is Format.OPENMETRICS
    assert format_for(content_type).openmetrics


@pytest.mark.parametrize(
    "content_type", ["text/plain; version=0.0.4; charset=utf-8", "text/plain", "", "text/html"]
)
def test_anything_else_falls_back_to_text_0_0_4(content_type: str) -> None:
    assert format_for(content_type) is Format.TEXT

"""Searching a target's series by name or label value."""

from __future__ import annotations

from collections.abc import Sequence

from scraper.storage import Series


def search(found: Sequence[Series], text: str) -> list[Series]:
    """Series whose name or any label value contains ``text`` (case-insensitive)."""
    wanted = text.strip().casefold()
    return [s for s in found if not wanted or wanted in haystack(s)]


def haystack(series: Series) -> str:
    return " ".join([series.name, *(f"{k}={v}" for k, v in series.labels)]).casefold()

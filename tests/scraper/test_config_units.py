"""Durations and sizes are read with Prometheus's syntax."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.errors import ConfigError
from scraper.config import parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30.0),
        ("2m", 120.0),
        ("1h", 3600.0),
        ("1h30m", 5400.0),
        ("500ms", 0.5),
        ("1d", 86400.0),
        ("1w", 604800.0),
        ("1y", 31536000.0),
        ("1m30s500ms", 90.5),
        ("0", 0.0),
    ],
)
def test_a_duration_is_read_in_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "30", "1.5s", "-1s", "30x", "1m1h", "1s1s", " 30s", "30 s"])
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(ConfigError, match=r"^expected a duration like 30s, 2m or 1h30m, got "):
        parse_duration(text)


@given(st.integers(0, 10**6), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))
def test_every_unit_combination_adds_up(hours: int, minutes: int, seconds: int, ms: int) -> None:
    text = f"{hours}h{minutes}m{seconds}s{ms}ms"
    assert parse_duration(text) == pytest.approx(hours * 3600 + minutes * 60 + seconds + ms / 1000)


@pytest.mark.parametrize(
    ("text", "size"),
    [("10MiB", 10 * 2**20), ("512KB", 512 * 1024), ("1GB", 2**30), ("100", 100), ("8B", 8)],
)
def test_a_size_is_read_in_bytes_with_base_2_units(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "MiB", "1.5MiB", "10XB", "-1KB"])
def test_anything_else_is_not_a_size(text: str) -> None:
    with pytest.raises(ConfigError, match=r"^expected a size like 10MiB, 512KB or 1GB, got "):
        parse_size(text)

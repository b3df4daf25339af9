"""Values and timestamps as each format spells them."""

from __future__ import annotations

import math

import pytest

from scraper.parser.number import openmetrics_timestamp_ms, text_timestamp_ms, value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1.0), ("-1.5e3", -1500.0), (".5", 0.5), ("5.", 5.0), ("+Inf", math.inf)],
)
def test_values_in_go_float_syntax_parse(text: str, expected: float) -> None:
    assert value(text) == expected


@pytest.mark.parametrize(
    "text", ["", "1_0", " 1", "1 ", "\x0b1", "\u0661", "+nan", "-NaN", "1e400", "0x1p3", "inff"]
)
def test_what_python_float_takes_but_the_formats_do_not_is_refused(text: str) -> None:
    assert value(text) is None


def test_text_timestamps_must_fit_in_an_int64() -> None:
    assert text_timestamp_ms(str(2**63 - 1)) == 2**63 - 1
    assert text_timestamp_ms(str(2**63)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1000),
        ("1.001", 1001),
        ("1.0019", 1001),
        ("-1.0019", -1001),
        ("1e-9", 0),
        ("2E3", 2_000_000),
    ],
)
def test_openmetrics_timestamps_become_exact_milliseconds(text: str, expected: int) -> None:
    assert openmetrics_timestamp_ms(text) == expected


@pytest.mark.parametrize("text", ["", ".", "+", "1e", "1e1234567", "9e20", "inf", "1" * 65])
def test_openmetrics_timestamps_outside_the_grammar_or_int64_are_refused(text: str) -> None:
    assert openmetrics_timestamp_ms(text) is None

"""Malformed bodies raise ParseError naming the line and what was expected there."""

from __future__ import annotations

import pytest

from model.errors import ParseError
from scraper.parser import parse


def error_of(text: str, *, openmetrics: bool = False) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(text, openmetrics=openmetrics)
    return caught.value


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('up{job"x"} 1', "expected '=' after label name 'job'"),
        ("up abc", "invalid value 'abc'"),
        ("up", "expected whitespace or '{' after metric name 'up'"),
        ("up{} ", "expected a value"),
        ("up 1_000", "invalid value '1_000'"),
        ("up +NaN", "invalid value '+NaN'"),
        ("up 1e999", "invalid value '1e999'"),
        ("up 0x10", "invalid value '0x10'"),
        ("up 1 1.5", "invalid timestamp '1.5' (expected integer milliseconds)"),
        ("up 1 2 3", "expected the end of the line after the timestamp"),
        ('up{a="x",a="y"} 1', "duplicate label name 'a'"),
        ('up{__name__="x"} 1', "label name '__name__' is reserved for the metric name"),
        ('up{1a="x"} 1', "expected a label name"),
        ('up{a="x" b="y"} 1', "expected ',' or '}' after a label value"),
        ('up{a="x",,} 1', "expected a label name"),
        ("up{a=x} 1", "expected '\"' to open the value of label 'a'"),
        ('up{a="x} 1', "the value of label 'a' has no closing '\"'"),
        ("1up 1", "expected a metric name"),
        ("up 1\r", "the line ends with '\\r'"),
        ("# TYPE up gauges", "unknown type 'gauges' for 'up'"),
        ("# TYPE up", "unknown type '' for 'up'"),
        ("# HELP 1up x", "expected a metric name after HELP"),
    ],
)
def test_a_malformed_text_line_says_what_was_expected(line: str, message: str) -> None:
    error = error_of(f"ok 1\n{line}\n")

    assert error.line == 2
    assert message in error.message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("up  1", "expected a value"),
        ("up\t1", "expected ' ' before the value, got '\\t1'"),
        ("up 1 ", "invalid timestamp ''"),
        ('up{a="x",} 1', "expected a label name"),
        ('up{a = "x"} 1', "expected '=' after label name 'a'"),
        ("up 1 1700000000 x", "expected '#' to start an exemplar"),
        ('c_total 1 # {a="b"}', "expected ' ' after the exemplar labels"),
        ('c_total 1 # {a="b"} x', "invalid value 'x'"),
        ("c_total 1 # {a=" + '"' + "x" * 130 + '"} 1', "exemplar labels longer than 128"),
        ("up 1 NaN", "invalid timestamp 'NaN' (expected seconds as a real number)"),
        ("", "blank line (OpenMetrics allows none)"),
        ("# a free comment", "expected HELP, TYPE, UNIT or EOF after '# ', got 'a'"),
        ("# HELP up", "expected ' ' after metric name 'up'"),
        ("# TYPE up untyped", "unknown type 'untyped' for 'up'"),
        ("# UNIT up_bytes seconds", "metric name 'up_bytes' does not end with its unit '_seconds'"),
    ],
)
def test_a_malformed_openmetrics_line_says_what_was_expected(line: str, message: str) -> None:
    error = error_of(f"ok 1\n{line}\n# EOF\n", openmetrics=True)

    assert error.line == 2
    assert message in error.message


def test_openmetrics_requires_eof() -> None:
    error = error_of("up 1\n", openmetrics=True)

    assert (error.line, error.message) == (2, "missing '# EOF' at the end of the body")


def test_openmetrics_allows_nothing_after_eof() -> None:
    error = error_of("up 1\n# EOF\nup 2\n", openmetrics=True)

    assert (error.line, error.message) == (3, "unexpected content after '# EOF'")


def test_openmetrics_allows_no_blank_line_after_eof() -> None:
    assert error_of("# EOF\n\n", openmetrics=True).line == 2


def test_openmetrics_allows_one_help_per_family() -> None:
    error = error_of("# HELP f a\n# HELP f b\n# EOF\n", openmetrics=True)

    assert (error.line, error.message) == (2, "second HELP for metric family 'f'")


def test_text_format_has_no_exemplars() -> None:
    assert "invalid timestamp '#'" in error_of('c_total 1 # {a="b"} 1\n').message


def test_a_long_offending_text_is_shortened_in_the_message() -> None:
    message = error_of("up{" + "x" * 500 + "\n").message

    assert message == "expected '=' after label name '" + "x" * 24 + "...', got end of line"

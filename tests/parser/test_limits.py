"""Scrape limits: a body over one fails with LimitError, a ParseError naming the first bad line."""

from __future__ import annotations

import pytest

from model.errors import LimitError, ParseError
from model.limits import Limits
from scraper.parser import Parser, parse


def limit_error(text: str, limits: Limits) -> LimitError:
    with pytest.raises(LimitError) as caught:
        parse(text, limits=limits)
    return caught.value


def body(samples: int) -> str:
    return "# TYPE s gauge\n" + "".join(f's{{i="{i}"}} {i}\n' for i in range(samples))


def test_a_body_within_every_limit_parses() -> None:
    limits = Limits(sample_limit=3, label_limit=1, label_name_length_limit=1)

    assert len(parse(body(3), limits=limits).samples) == 3


def test_more_samples_than_sample_limit_fail_at_the_first_sample_over_it() -> None:
    error = limit_error(body(4200), Limits(sample_limit=4000))

    assert error.message == "4,200 samples over sample_limit 4,000"
    assert error.line == 4002


def test_a_limit_error_is_a_parse_error() -> None:
    assert issubclass(LimitError, ParseError)


def test_sample_limit_counts_the_whole_body_across_chunks() -> None:
    parser = Parser(limits=Limits(sample_limit=2))
    parser.feed("a 1\nb 2\n")
    parser.feed("c 3\n# HELP d D.\n\nd")
    parser.feed(" 4\ne 5")

    with pytest.raises(LimitError) as caught:
        parser.close()

    assert (caught.value.line, caught.value.message) == (3, "5 samples over sample_limit 2")


def test_more_labels_than_label_limit_fail() -> None:
    error = limit_error('ok 1\nm{a="1",b="2",c="3"} 1\n', Limits(label_limit=2))

    assert (error.line, error.message) == (2, "3 labels on 'm' over label_limit 2")


def test_a_long_label_name_fails() -> None:
    error = limit_error('m{long_name="1"} 1\n', Limits(label_name_length_limit=4))

    assert error.message == "label name 'long_name' of 9 characters over label_name_length_limit 4"


def test_a_long_label_value_fails() -> None:
    error = limit_error('m{path="/very/long"} 1\n', Limits(label_value_length_limit=5))

    assert error.message == (
        "value of label 'path' has 10 characters, over label_value_length_limit 5"
    )


def test_a_syntax_error_wins_over_a_limit() -> None:
    with pytest.raises(ParseError) as caught:
        parse("a 1\nb 2\nc x\n", limits=Limits(sample_limit=1))

    assert type(caught.value) is ParseError

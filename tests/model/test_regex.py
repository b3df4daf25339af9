"""model.regex: user-supplied patterns run in RE2, anchored, bounded."""

from __future__ import annotations

import pytest

from model.errors import QueryError
from model.regex import MAX_LENGTH, Regex, compiled

LONG = "Debian GNU/Linux 12 (bookworm) " * 300


@pytest.mark.parametrize("pattern", ["D(.*)*X", "(.*.*.*)*X", "(.*.*.*.*)*X", "(a|aa)*b"])
def test_a_catastrophic_pattern_is_answered_against_a_long_value(pattern: str) -> None:
    # Python's backtracking re takes hours on these; RE2 is linear in the text.
    assert Regex(pattern).matches(LONG) is False
    assert Regex(pattern).matches(LONG + "X") is (pattern != "(a|aa)*b")


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("db.*", "db1", True),
        ("db.*", "xdb1", False),
        ("b", "abc", False),
        ("a|b", "ab", False),
        ("a|b", "b", True),
        ("", "", True),
        ("", "x", False),
        (".*", "two\nlines", True),
        (r"\d+", "123", True),
        ("(?i)WEB", "web", True),
    ],
)
def test_a_pattern_must_match_the_whole_value(pattern: str, text: str, expected: bool) -> None:
    assert Regex(pattern).matches(text) is expected


@pytest.mark.parametrize("pattern", ["user|system", "web1:9100", "a||b", "|", "x-y.z"])
def test_plain_words_match_as_re2_matches_them(pattern: str) -> None:
    texts = ["user", "system", "web1:9100", "", "a", "b", "x-y.z", "x-yaz", "user|system"]
    regex = Regex(pattern)
    assert [regex.matches(text) for text in texts] == [
        regex._program.fullmatch(text.encode()) is not None for text in texts
    ]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?<=a)b", "invalid regular expression '(?<=a)b': invalid perl operator: (?<="),
        (r"(a)\1", r"invalid regular expression '(a)\\1': invalid escape sequence: \1"),
        ("(", "invalid regular expression '(': missing ): ("),
        ("a)|(b", "invalid regular expression 'a)|(b': unexpected ): a)|(b"),
    ],
)
def test_what_re2_refuses_is_a_query_error_naming_the_pattern(pattern: str, reason: str) -> None:
    with pytest.raises(QueryError) as refused:
        Regex(pattern)
    assert str(refused.value) == reason


def test_a_pattern_over_the_length_bound_is_refused() -> None:
    with pytest.raises(QueryError, match=r"regular expression of 4,097 characters, over 4,096"):
        Regex("a" * (MAX_LENGTH + 1))


def test_a_pattern_whose_program_is_too_big_is_refused() -> None:
    with pytest.raises(QueryError, match=r"invalid regular expression .*pattern too large"):
        Regex(r"\pL{1000}\pL{1000}")


def test_the_same_pattern_is_compiled_once() -> None:
    assert compiled("db.*") is compiled("db.*")

"""model.matchers: one Matcher and one syntax for the API, alert rules, routes and silences."""

from __future__ import annotations

import pytest

from model.errors import QueryError
from model.matchers import Matcher, format_matcher, parse_matcher, parse_matchers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('severity="critical"', Matcher("severity", "=", "critical")),
        ('instance=~"db.*"', Matcher("instance", "=~", "db.*")),
        ("mountpoint!=/boot", Matcher("mountpoint", "!=", "/boot")),
        (' job !~ "a|b" ', Matcher("job", "!~", "a|b")),
        ("path=a,b", Matcher("path", "=", "a,b")),
        ('q="say \\"hi\\""', Matcher("q", "=", 'say "hi"')),
        ('re=~"\\d+"', Matcher("re", "=~", "\\d+")),
        ('nl="a\\nb"', Matcher("nl", "=", "a\nb")),
    ],
)
def test_one_matcher_is_read_with_or_without_quotes(text: str, expected: Matcher) -> None:
    assert parse_matcher(text) == expected


def test_a_selector_is_read_with_or_without_braces() -> None:
    expected = (Matcher("mode", "=~", "user|system"), Matcher("cpu", "!=", "0"))
    assert parse_matchers('{mode=~"user|system", cpu!="0"}') == expected
    assert parse_matchers('mode=~"user|system",cpu!=0') == expected
    assert parse_matchers("{}") == ()


@pytest.mark.parametrize("text", ["mode", 'mode="idle', 'mode=="x"', '{mode="a" cpu="1"}', "1a=b"])
def test_a_malformed_selector_is_a_query_error(text: str) -> None:
    with pytest.raises(QueryError):
        parse_matchers(text)


def test_a_malformed_matcher_says_what_is_expected() -> None:
    with pytest.raises(QueryError) as refused:
        parse_matcher("job~x")
    assert str(refused.value) == (
        'expected name="value", name!="value", name=~"regex" or name!~"regex", got "job~x"'
    )


@pytest.mark.parametrize("value", ['say "hi"', "back\\slash", "two\nlines", "plain"])
def test_a_formatted_matcher_reads_back_as_itself(value: str) -> None:
    matcher = Matcher("a", "=~", value) if value == "plain" else Matcher("a", "=", value)
    assert parse_matcher(format_matcher(matcher)) == matcher


@pytest.mark.parametrize(
    ("matcher", "expected"),
    [
        (Matcher("job", "=", "node"), [True, False, False]),
        (Matcher("job", "!=", "node"), [False, True, True]),
        (Matcher("job", "=~", "no.*"), [True, False, False]),
        (Matcher("job", "!~", "no.*"), [False, True, True]),
        (Matcher("job", "=", ""), [False, False, True]),
    ],
)
def test_an_absent_label_reads_as_empty(matcher: Matcher, expected: list[bool]) -> None:
    labels = [{"job": "node"}, {"job": "web"}, {}]
    assert [matcher.matches(one) for one in labels] == expected


def test_a_regex_matcher_against_a_long_value_answers() -> None:
    # Silences, rules and the API all match through this: (.*.*.*.*)*X once froze the scraper.
    matcher = Matcher("pretty_name", "=~", "(.*.*.*.*)*X")
    assert matcher.matches({"pretty_name": "Debian GNU/Linux 12 (bookworm)" * 100}) is False


def test_an_unknown_operator_is_refused() -> None:
    with pytest.raises(QueryError, match="unknown operator '=='"):
        Matcher("a", "==", "b")  # type: ignore[arg-type]  # what an untyped caller might pass

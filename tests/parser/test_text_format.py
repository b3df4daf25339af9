"""Text format 0.0.4: what a valid body means."""

from __future__ import annotations

import math

from model.samples import Metadata, Sample
from scraper.parser import parse


def only_sample(text: str) -> Sample:
    (sample,) = parse(text).samples
    return sample


def test_a_bare_sample_has_no_labels_and_no_timestamp() -> None:
    assert only_sample("up 1\n") == Sample("up", (), 1.0, None)


def test_labels_keep_their_exposition_order() -> None:
    sample = only_sample('cpu{mode="idle",cpu="0"} 5\n')

    assert sample.labels == (("mode", "idle"), ("cpu", "0"))


def test_an_empty_label_set_is_no_labels() -> None:
    assert only_sample("up{} 1\n").labels == ()


def test_label_values_unescape_backslash_quote_and_newline() -> None:
    sample = only_sample('f{p="C:\\\\dir",q="say \\"hi\\"",n="a\\nb"} 1\n')

    assert sample.labels == (("p", "C:\\dir"), ("q", 'say "hi"'), ("n", "a\nb"))


def test_an_unknown_escape_in_a_label_value_is_kept_as_written() -> None:
    assert only_sample('f{p="a\\tb"} 1\n').labels == (("p", "a\\tb"),)


def test_timestamps_are_integer_milliseconds() -> None:
    assert only_sample("up 1 1700000000123\n").timestamp_ms == 1700000000123


def test_a_negative_timestamp_is_before_the_epoch() -> None:
    assert only_sample("up 1 -1000\n").timestamp_ms == -1000


def test_special_values_spell_nan_and_infinities_in_any_case() -> None:
    values = parse("a NaN\nb +Inf\nc -Inf\nd Inf\ne -infinity\nf nan\n").samples

    assert math.isnan(values[0].value)
    assert [s.value for s in values[1:5]] == [math.inf, -math.inf, math.inf, -math.inf]
    assert math.isnan(values[5].value)


def test_whitespace_runs_tabs_and_trailing_whitespace_separate_tokens() -> None:
    sample = only_sample('  f { a = "x" , b="y" ,}\t 2 \t 1000  \n')

    assert sample == Sample("f", (("a", "x"), ("b", "y")), 2.0, 1000)


def test_the_value_may_follow_the_closing_brace_directly() -> None:
    assert only_sample('f{a="x"}3\n').value == 3.0


def test_blank_lines_and_free_comments_are_skipped() -> None:
    body = "\n# just a comment\n   \n#HELP is not metadata without a space\nup 1\n\n"

    assert parse(body).samples == [Sample("up", (), 1.0)]


def test_the_last_line_needs_no_newline() -> None:
    assert parse("a 1\nb 2").samples[1] == Sample("b", (), 2.0)


def test_an_empty_body_has_no_samples() -> None:
    assert parse("") == ([], {})


def test_help_unescapes_backslash_and_newline_but_not_quotes() -> None:
    parsed = parse('# HELP f a \\\\ b \\n c \\"d\\"\n')

    assert parsed.metadata["f"].help == 'a \\ b \n c \\"d\\"'


def test_a_histogram_maps_its_bucket_sum_and_count_names_to_the_family() -> None:
    parsed = parse("# HELP h Latency.\n# TYPE h histogram\n")
    histogram = Metadata("histogram", "Latency.", "")

    assert parsed.metadata == {"h_bucket": histogram, "h_sum": histogram, "h_count": histogram}


def test_a_summary_maps_its_quantiles_sum_and_count_names_to_the_family() -> None:
    parsed = parse("# TYPE s summary\n")

    assert sorted(parsed.metadata) == ["s", "s_count", "s_sum"]


def test_a_counter_is_known_by_its_own_name() -> None:
    parsed = parse("# TYPE requests_total counter\nrequests_total 3\n")

    assert parsed.metadata == {"requests_total": Metadata("counter", "", "")}


def test_a_family_with_help_only_is_untyped() -> None:
    assert parse("# HELP f Something.\n").metadata["f"] == Metadata("untyped", "Something.")


def test_help_without_text_is_empty() -> None:
    assert parse("# HELP f\n").metadata["f"].help == ""


def test_metadata_comes_through_whatever_whitespace_surrounds_it() -> None:
    parsed = parse("  #\tTYPE   f \t gauge  \n#  HELP f   Some help.  \n")

    assert parsed.metadata["f"] == Metadata("gauge", "Some help.")


def test_names_may_contain_colons() -> None:
    assert only_sample("job:requests:rate5m 0.5\n").name == "job:requests:rate5m"

"""OpenMetrics 1.0 text: what a valid body means."""

from __future__ import annotations

from model.samples import Metadata, Sample
from scraper.parser import parse


def only_sample(text: str) -> Sample:
    (sample,) = parse(text + "# EOF\n", openmetrics=True).samples
    return sample


def test_a_body_ending_with_eof_parses() -> None:
    assert parse("up 1\n# EOF\n", openmetrics=True).samples == [Sample("up", (), 1.0)]


def test_eof_needs_no_final_newline() -> None:
    assert parse("up 1\n# EOF", openmetrics=True).samples == [Sample("up", (), 1.0)]


def test_timestamps_are_seconds_converted_exactly_to_milliseconds() -> None:
    assert only_sample("up 1 1700000000.001\n").timestamp_ms == 1700000000001


def test_timestamps_may_use_an_exponent() -> None:
    assert only_sample("up 1 1.7e9\n").timestamp_ms == 1_700_000_000_000


def test_sub_millisecond_timestamps_truncate_toward_zero() -> None:
    assert only_sample("up 1 -0.0019\n").timestamp_ms == -1


def test_an_exemplar_after_the_value_is_skipped() -> None:
    sample = only_sample('c_total{a="x"} 3 # {trace_id="abc"} 1.5\n')

    assert sample == Sample("c_total", (("a", "x"),), 3.0, None)


def test_an_exemplar_after_a_timestamp_is_skipped_with_its_own_timestamp() -> None:
    sample = only_sample('h_bucket{le="1"} 2 100 # {trace_id="a b"} 0.5 99.5\n')

    assert sample == Sample("h_bucket", (("le", "1"),), 2.0, 100_000)


def test_a_counter_maps_total_and_created_to_the_family() -> None:
    parsed = parse("# TYPE c counter\n# HELP c Calls.\n# EOF\n", openmetrics=True)
    counter = Metadata("counter", "Calls.", "")

    assert parsed.metadata == {"c_total": counter, "c_created": counter}


def test_unit_is_part_of_the_metadata() -> None:
    parsed = parse("# TYPE m_bytes gauge\n# UNIT m_bytes bytes\n# EOF\n", openmetrics=True)

    assert parsed.metadata["m_bytes"] == Metadata("gauge", "", "bytes")


def test_info_and_stateset_and_gaugehistogram_are_types() -> None:
    body = "# TYPE i info\n# TYPE s stateset\n# TYPE g gaugehistogram\n# EOF\n"
    metadata = parse(body, openmetrics=True).metadata

    assert (metadata["i_info"].type, metadata["s"].type) == ("info", "stateset")
    assert sorted(k for k in metadata if k.startswith("g")) == ["g_bucket", "g_gcount", "g_gsum"]


def test_help_unescapes_quotes_too() -> None:
    parsed = parse('# HELP f say \\"hi\\"\\n\n# EOF\n', openmetrics=True)

    assert parsed.metadata["f"].help == 'say "hi"\n'


def test_an_empty_help_is_allowed() -> None:
    assert parse("# HELP f \n# EOF\n", openmetrics=True).metadata["f"].help == ""

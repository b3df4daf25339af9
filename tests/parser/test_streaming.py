"""The streaming Parser: chunks cut anywhere give the same result as the whole body at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.errors import ParseError
from model.samples import Metadata, Sample
from scraper.parser import Parser, ScrapeCache, parse
from scraper.parser.names import SHARED
from tests.parser.comparable import comparables

BODY = (Path(__file__).parent / "corpus" / "client_python.om").read_bytes()


def fed_in_chunks(body: bytes, size: int, *, openmetrics: bool = True) -> list[Sample]:
    parser = Parser(openmetrics=openmetrics)
    samples: list[Sample] = []
    for start in range(0, len(body), size):
        samples += parser.feed(body[start : start + size])
    return samples + parser.close()


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 4096])
def test_bytes_fed_in_chunks_of_any_size_give_the_whole_body_samples(size: int) -> None:
    whole = parse(BODY.decode(), openmetrics=True).samples

    assert comparables(fed_in_chunks(BODY, size)) == comparables(whole)


def test_a_multibyte_character_split_across_chunks_is_decoded() -> None:
    body = 'f{a="日本"} 1\n'.encode()

    assert fed_in_chunks(body, 1, openmetrics=False)[0].labels == (("a", "日本"),)


def test_feed_returns_the_samples_its_chunk_completed() -> None:
    parser = Parser()

    assert parser.feed("a 1\nb ") == [Sample("a", (), 1.0)]
    assert parser.feed("2\n") == [Sample("b", (), 2.0)]
    assert parser.close() == []


def test_close_parses_an_unterminated_last_line() -> None:
    parser = Parser()
    parser.feed("a 1\nb 2")

    assert parser.close() == [Sample("b", (), 2.0)]


def test_metadata_is_available_after_close() -> None:
    parser = Parser()
    parser.feed("# TYPE a gauge\na 1\n")
    parser.close()

    assert parser.metadata["a"].type == "gauge"


def test_invalid_utf8_names_its_line() -> None:
    parser = Parser()
    parser.feed(b"a 1\nb 2\n")

    with pytest.raises(ParseError) as caught:
        parser.feed(b'c{x="\xff"} 3\n')

    assert caught.value.line == 3
    assert "invalid UTF-8" in caught.value.message


def test_utf8_cut_short_at_the_end_is_an_error() -> None:
    parser = Parser()
    parser.feed(b'c{x="\xe6\x97')

    with pytest.raises(ParseError, match="invalid UTF-8"):
        parser.close()


def test_line_numbers_continue_across_chunks() -> None:
    parser = Parser()
    parser.feed("a 1\nb 2\n")

    with pytest.raises(ParseError) as caught:
        parser.feed("c 3\nd x\n")

    assert caught.value.line == 4


def test_a_scrape_cache_shared_by_successive_scrapes_gives_the_same_result() -> None:
    cache = ScrapeCache()
    body = BODY.decode()
    first = parse(body, openmetrics=True, cache=cache)
    second = parse(body, openmetrics=True, cache=cache)

    assert comparables(second.samples) == comparables(first.samples)
    assert second.metadata == first.metadata


def test_a_scrape_cache_shared_by_two_hosts_gives_each_its_own_values_and_metadata() -> None:
    cache = ScrapeCache()
    parse('# HELP up Up.\n# TYPE up gauge\nup{zone="a"} 1\n', cache=cache)
    other = parse(
        '# HELP up Is up.\n# TYPE up counter\nup{zone="a"} 0\nup{zone="b"} 7\n', cache=cache
    )

    assert [(s.labels, s.value) for s in other.samples] == [
        ((("zone", "a"),), 0.0),
        ((("zone", "b"),), 7.0),
    ]
    assert other.metadata["up"] == Metadata("counter", "Is up.")


def test_a_scrape_cache_forgets_everything_once_over_its_size() -> None:
    cache = ScrapeCache(max_entries=3)
    parse('# HELP a A.\na{x="1"} 1\na{x="2"} 1\na{x="3"} 1\n', cache=cache)

    assert cache.label_sets == {}


def test_a_scrape_cache_forgets_everything_once_its_text_is_over_its_bound() -> None:
    cache = ScrapeCache(max_text=10_000)
    for scrape in range(5):
        value = f"{scrape}" * 2000
        parse("".join(f'a{{i="{i}",v="{value}"}} 1\n' for i in range(3)), cache=cache)

        assert cache.text <= 10_000

    assert len(cache.series) < 3 * 5


def test_a_metric_name_longer_than_storage_allows_is_parsed_but_not_cached() -> None:
    name = "m" * 300

    parsed = parse(f"{name} 1\n")

    assert parsed.samples[0].name == name
    assert name not in SHARED.metrics

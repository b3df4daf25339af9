"""Properties over generated input: nothing but ParseError escapes, valid bodies round-trip, and
the shortcut never disagrees with the careful path."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.errors import ParseError
from model.samples import Sample
from scraper.parser import Parser, ScrapeCache, parse
from scraper.parser.comment import careful_directive, quick_directive
from scraper.parser.cursor import Cursor
from scraper.parser.dialect import OPENMETRICS, TEXT, Dialect
from scraper.parser.names import Names
from scraper.parser.reference import read_sample
from scraper.parser.shortcut import Shortcut
from tests.parser.render import Body, openmetrics_bodies, sample_lines, text_bodies

FEW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

exposition_characters = st.sampled_from([*'ab_:{}=",# \t\\\n\r.019+-eEInfNa', "é", "\x00"])
exposition_like_text = st.text(exposition_characters, max_size=80) | st.text(max_size=80)
dialects = st.sampled_from([TEXT, OPENMETRICS])


def exact(samples: list[Sample]) -> list[tuple[str, object, str, int | None]]:
    """Samples compared exactly, labels in order, NaN equal to NaN (repr)."""
    return [(s.name, s.labels, repr(s.value), s.timestamp_ms) for s in samples]


def outcome(chunks: list[str] | list[bytes], openmetrics: bool) -> list[Sample] | ParseError:
    """The samples of a body fed in `chunks`, or the ParseError it raised (and nothing else)."""
    parser = Parser(openmetrics=openmetrics)
    try:
        samples = [sample for chunk in chunks for sample in parser.feed(chunk)]
        return samples + parser.close()
    except ParseError as error:
        return error


@FEW
@given(exposition_like_text, st.booleans())
def test_any_text_gives_samples_or_a_parse_error(text: str, openmetrics: bool) -> None:
    result = outcome([text], openmetrics)

    assert isinstance(result, ParseError) or all(isinstance(s, Sample) for s in result)
    assert not isinstance(result, ParseError) or result.line >= 1


@FEW
@given(st.lists(st.binary(max_size=40), max_size=5), st.booleans())
def test_any_bytes_in_any_chunks_give_samples_or_a_parse_error(
    chunks: list[bytes], openmetrics: bool
) -> None:
    result = outcome(chunks, openmetrics)

    assert isinstance(result, ParseError) or all(isinstance(s, Sample) for s in result)


@FEW
@given(text_bodies)
def test_text_bodies_round_trip(body: Body) -> None:
    parsed = parse(body.text)

    assert exact(parsed.samples) == exact(body.samples)
    assert parsed.metadata == body.metadata


@FEW
@given(openmetrics_bodies)
def test_openmetrics_bodies_round_trip(body: Body) -> None:
    parsed = parse(body.text, openmetrics=True)

    assert exact(parsed.samples) == exact(body.samples)
    assert parsed.metadata == body.metadata


@st.composite
def candidate_lines(draw: st.DrawFn, dialect: Dialect) -> str:
    """A valid sample line, often with one character changed, inserted or removed."""
    line, _ = draw(sample_lines(draw(st.sampled_from(["up", "a:b", "x_total"])), dialect))
    if not line or draw(st.booleans()):
        return line
    where = draw(st.integers(0, len(line) - 1))
    edit = draw(st.sampled_from(["replace", "insert", "delete"]))
    char: str = draw(exposition_characters)
    if edit == "delete":
        return line[:where] + line[where + 1 :]
    return line[:where] + char + line[where + (edit == "replace") :]


def careful(line: str, dialect: Dialect) -> Sample | ParseError:
    cursor = Cursor(line, 1)
    cursor.skip(dialect.spaces)
    try:
        return read_sample(cursor, dialect)
    except ParseError as error:
        return error


@settings(FEW, max_examples=600)
@given(st.data(), dialects)
def test_the_shortcut_reads_only_what_the_careful_path_reads_the_same(
    data: st.DataObject, dialect: Dialect
) -> None:
    line = data.draw(candidate_lines(dialect))
    quick = Shortcut(dialect, Names(), ScrapeCache()).sample(line)

    if quick is not None:
        reference = careful(line, dialect)
        assert isinstance(reference, Sample)
        assert exact([quick]) == exact([reference])


def test_the_shortcut_takes_the_usual_lines() -> None:
    shortcut = Shortcut(TEXT, Names(), ScrapeCache())

    assert shortcut.sample('node_cpu_seconds_total{cpu="0",mode="idle"} 4205.42') is not None
    assert shortcut.sample("go_goroutines 8 1700000000000") is not None


@FEW
@given(st.text(exposition_characters, max_size=40), dialects)
def test_quick_directives_agree_with_careful_ones(text: str, dialect: Dialect) -> None:
    line = "# " + text
    quick = quick_directive(line, dialect, Names())

    if quick is not None:
        assert careful_directive(Cursor(line, 1), dialect) == quick


@FEW
@given(st.data(), dialects)
def test_a_scrape_cache_never_changes_what_a_body_parses_to(
    data: st.DataObject, dialect: Dialect
) -> None:
    strategy = openmetrics_bodies if dialect.openmetrics else text_bodies
    first, second = data.draw(strategy), data.draw(strategy)
    cache = ScrapeCache()
    openmetrics = dialect.openmetrics
    parse(first.text, openmetrics=openmetrics, cache=cache)
    parse(second.text, openmetrics=openmetrics, cache=cache)

    again = parse(first.text, openmetrics=openmetrics, cache=cache)

    assert exact(again.samples) == exact(first.samples)
    assert again.metadata == first.metadata

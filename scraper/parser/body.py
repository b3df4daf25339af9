"""Parsing a whole body held in memory."""

from __future__ import annotations

from typing import NamedTuple

from model.limits import Limits
from model.samples import Metadata, Sample
from scraper.parser.cache import ScrapeCache
from scraper.parser.stream import Parser


class ParsedBody(NamedTuple):
    samples: list[Sample]
    metadata: dict[str, Metadata]
    """Sample name -> Metadata of its family (see :attr:`Parser.metadata`)."""


def parse(
    text: str,
    *,
    openmetrics: bool = False,
    limits: Limits | None = None,
    cache: ScrapeCache | None = None,
) -> ParsedBody:
    parser = Parser(openmetrics=openmetrics, limits=limits, cache=cache)
    samples = parser.feed(text)
    samples += parser.close()
    return ParsedBody(samples, parser.metadata)

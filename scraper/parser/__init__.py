"""Parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0 text.

    format_for(content_type) -> Format         which parser a response needs
    parse(text, openmetrics=, limits=)         -> ParsedBody(samples, metadata)
    Parser(openmetrics=, limits=, cache=)      streaming: feed(bytes | str) / close() -> samples
                                               then .metadata
    ScrapeCache()                              kept per target between scrapes, given to Parser

Errors: :class:`~model.errors.ParseError` (line, message) and nothing else, whatever the input;
its subclass :class:`~model.errors.LimitError` when a valid body breaks a
:class:`~model.limits.Limits`.

Modules: ``stream`` (the Parser loop), ``shortcut`` (fast path for common sample lines),
``reference`` (careful path: every other line, and the errors), ``comment`` and ``family``
(metadata), ``number`` (values, timestamps), ``dialect`` (what differs between the formats),
``cache`` (what the scrapes of a target share), ``cursor``, ``names``, ``limits``, ``body``,
``media_type``. See docs/parser.md.
"""

from scraper.parser.body import ParsedBody, parse
from scraper.parser.cache import ScrapeCache
from scraper.parser.media_type import ACCEPT, Format, format_for
from scraper.parser.stream import Parser

__all__ = [
    "ACCEPT",
    "Format",
    "ParsedBody",
    "Parser",
    "ScrapeCache",
    "format_for",
    "parse",
]

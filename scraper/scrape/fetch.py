"""One scrape: a streamed, size-bounded, time-bounded GET, parsed as the chunks arrive.

Every failure is a :class:`ScrapeError` whose ``reason`` is what an operator reads on the
dashboard ("connection refused", "timed out after 10s", "HTTP 503", "body over 10 MiB",
"parse error at line 12: ...", "4,200 samples over sample_limit 4,000").
"""

from __future__ import annotations

import errno
import ssl
from collections.abc import Iterator

import anyio
import httpx

from model.errors import LimitError, ParseError, ScrapeError
from model.samples import Sample
from scraper.config import TLSConfig
from scraper.parser import ACCEPT, ParsedBody, Parser, format_for
from scraper.parser.cache import ScrapeCache
from scraper.scrape.admission import Budget, Ticket
from scraper.scrape.target import Target

# httpcore looks at every connection of a pool on each request: with one pool for a thousand
# kept-alive targets that scan was a sixth of the scraper's CPU, so targets are spread over
# several pools by address.
POOLS = 32


class Fetcher:
    """Pooled clients shared by every loop: per TLS setting (httpx fixes TLS per client), and
    per slice of the targets (see POOLS)."""

    def __init__(self, max_connections: int = 256, budget: Budget | None = None) -> None:
        self.budget = budget or Budget()
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._clients: dict[tuple[TLSConfig | None, int], httpx.AsyncClient] = {}
        self._contexts: dict[TLSConfig | None, ssl.SSLContext] = {}

    async def fetch(self, target: Target, cache: ScrapeCache | None = None) -> ParsedBody:
        """Scrape ``target``; ``cache`` is kept from scrape to scrape (the scraper shares one)."""
        timeout = target.job.scrape_timeout
        try:
            with anyio.fail_after(timeout):
                return await self._get(target, cache)
        except TimeoutError:
            raise ScrapeError(f"timed out after {timeout:g}s", "timeout") from None
        except httpx.HTTPError as error:
            raise ScrapeError(*describe(error)) from None
        except LimitError as error:
            raise ScrapeError(error.message, "limit") from None
        except ParseError as error:
            raise ScrapeError(str(error), "parse") from None

    async def _get(self, target: Target, cache: ScrapeCache | None) -> ParsedBody:
        auth = target.job.basic_auth
        request = self._client(target.job.tls_config, hash(target.url) % POOLS).stream(
            "GET",
            target.url,
            headers={"Accept": ACCEPT, "Accept-Encoding": "gzip"},
            auth=(auth.username, auth.password) if auth else None,
        )
        async with request as response:
            if response.status_code != 200:
                raise ScrapeError(f"HTTP {response.status_code}", "http")
            parser = Parser(
                openmetrics=format_for(response.headers.get("content-type", "")).openmetrics,
                limits=target.job.limits,
                cache=cache,
            )
            async with self.budget.ticket() as ticket:
                samples = await _parse(response, parser, target.job.limits.body_size_limit, ticket)
        return ParsedBody(samples, parser.metadata)

    def _client(self, tls: TLSConfig | None, pool: int) -> httpx.AsyncClient:
        key = (tls, pool)
        if key not in self._clients:
            # The pools of one TLS setting share its context: loading CA files is not free.
            if tls not in self._contexts:
                self._contexts[tls] = ssl_context(tls)
            self._clients[key] = httpx.AsyncClient(
                limits=self._limits,
                verify=self._contexts[tls],
                follow_redirects=False,
                timeout=None,
            )
        return self._clients[key]

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


async def _parse(
    response: httpx.Response, parser: Parser, limit: int, ticket: Ticket
) -> list[Sample]:
    """The body's samples, parsed chunk by chunk; refused once past ``limit`` bytes (0: none).
    Each chunk's samples are paid for from the budget of the scrapes in flight."""
    samples: list[Sample] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if limit and size > limit:
            raise ScrapeError(f"body over {human_bytes(limit)}", "body_size")
        parsed = parser.feed(chunk)
        # The text a chunk's samples keep costs as long as they live; past sample_limit the
        # parser only counts lines, and a chunk that gave no sample held nothing.
        await ticket.take(len(chunk) if parsed else 0, len(parsed))
        samples += parsed
    return samples + parser.close()


def ssl_context(tls: TLSConfig | None) -> ssl.SSLContext:
    if tls is None:
        return httpx.create_ssl_context()
    context = ssl.create_default_context(cafile=tls.ca_file or None)
    if tls.cert_file:
        context.load_cert_chain(tls.cert_file, tls.key_file or None)
    if tls.insecure_skip_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def describe(error: httpx.HTTPError) -> tuple[str, str]:
    """A short human reason for a transport failure, and its kind."""
    cause = _os_error(error)
    if (
        isinstance(cause, ConnectionRefusedError)
        or getattr(cause, "errno", 0) == errno.ECONNREFUSED
    ):
        return "connection refused", "refused"
    if isinstance(cause, ssl.SSLError):
        return f"TLS error: {cause.reason or cause}", "tls"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"invalid HTTP response: {error}", "http"
    return str(error) or type(error).__name__, "transport"


def _os_error(error: BaseException) -> BaseException | None:
    """The OSError that says why: httpx and httpcore wrap it, and anyio's happy-eyeballs
    connect raises "All connection attempts failed" over a group of the real ones."""
    for cause in _causes(error):
        if isinstance(cause, OSError) and (cause.errno or isinstance(cause, ssl.SSLError)):
            return cause
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    cause = error.__cause__ or error.__context__
    while cause is not None:
        yield cause
        if isinstance(cause, BaseExceptionGroup):
            for member in cause.exceptions:
                yield from (member, *_causes(member))
        cause = cause.__cause__ or cause.__context__


def human_bytes(size: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size:,} bytes"

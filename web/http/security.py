"""Security defaults: trusted hosts, opt-in CORS, and headers on every response."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.http.bodies import BodyLimit
from web.http.state import Settings

# No inline script anywhere, so script-src needs nothing but 'self'.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds HEADERS to every HTTP response (pure ASGI, so streaming is untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


class TrustedHosts:
    """Answers 400 unless the Host header names one of ``allowed`` (any port), so a DNS
    rebinding page cannot read the app through the browser of someone on its network.

    An IPv6 literal comes in brackets (``Host: [::1]:8080``, RFC 3986): it is compared without
    them, as the listen address and ``--allowed-hosts`` name it.
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = frozenset(bare_host(host) for host in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = host_of(Headers(scope=scope).get("host", ""))
            if host not in self.allowed:
                response = PlainTextResponse("Invalid host header", status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def host_of(header: str) -> str:
    """The host of a Host header, lower-case, without its port and an IPv6 literal's brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        host, bracket, rest = header[1:].partition("]")
        if not bracket:
            return ""
    else:
        host, _, port = header.partition(":")
        rest = f":{port}" if _ else ""
    # Anything but ":digits" after the host is malformed: "a:80@b" must not read as "a".
    return host if rest in ("", ":") or (rest[0] == ":" and rest[1:].isdigit()) else ""


def bare_host(host: str) -> str:
    host = host.lower()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def middleware(settings: Settings) -> list[Middleware]:
    stack = [
        Middleware(SecurityHeaders),
        Middleware(TrustedHosts, allowed=settings.allowed_hosts),
        Middleware(BodyLimit),
    ]
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET"],
                allow_headers=["If-None-Match", "Authorization"],
                expose_headers=["ETag"],
            )
        )
    return stack

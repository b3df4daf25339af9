"""Real receivers on 127.0.0.1: a webhook server that records every POST and can be told to
fail (HTTP 500) or hang, and an SMTP server (aiosmtpd) that keeps every message, with STARTTLS
and a login when asked."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.exporter.serving import free_port

HANG_SECONDS = 30.0


@dataclass
class Hook:
    """What the webhook server received, and how it answers the next POSTs."""

    url: str = ""
    posts: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    attempts: int = 0
    fail_next: int = 0  # answer this many POSTs with 500 first
    status: int = 200
    hang: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """The first ``count`` posts, once they arrived (bounded wait)."""
        deadline = time.monotonic() + timeout
        while len(self.posts) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.posts) >= count, f"{len(self.posts)} posts, expected {count}"
        return self.posts[:count]


class _Handler(BaseHTTPRequestHandler):
    hook: Hook

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.hook.lock:
            self.hook.attempts += 1
            status = self._status()
        if self.hook.hang:
            time.sleep(HANG_SECONDS)
        if status == 200:
            self.hook.posts.append(json.loads(body))
            self.hook.headers.append(dict(self.headers))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _status(self) -> int:
        if self.hook.fail_next > 0:
            self.hook.fail_next -= 1
            return 500
        return self.hook.status

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests assert on what was received."""


@contextmanager
def serving_in_thread(server: ThreadingHTTPServer) -> Iterator[None]:
    """``server`` answering in a thread of its own until the block ends, then closed."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def loopback(handler: type[BaseHTTPRequestHandler], **state: object) -> Iterator[str]:
    """The base URL of a server on a free loopback port whose requests ``handler`` answers,
    with ``state`` as class attributes (what the requests record into); a hanging request
    holds up no shutdown."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (handler,), state))
    server.daemon_threads = True
    with serving_in_thread(server):
        yield f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def webhook_server() -> Iterator[Hook]:
    hook = Hook()
    with loopback(_Handler, hook=hook) as url:
        hook.url = f"{url}/hook"
        yield hook


@dataclass
class Mailbox:
    address: str = ""
    messages: list[Message] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} mails, expected {count}"
        return self.messages[:count]


class _Keeper:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.mailbox.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class _Users:
    """Accepts LOGIN and PLAIN with the one user and password it was made with."""

    def __init__(self, user: str, password: str) -> None:
        self.wanted = LoginPassword(user.encode(), password.encode())

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        # handled=False: aiosmtpd answers a refusal with 535 itself.
        return AuthResult(success=data == self.wanted, handled=False)


@contextmanager
def smtp_server(
    tls: ssl.SSLContext | None = None, login: tuple[str, str] | None = None
) -> Iterator[Mailbox]:
    """An SMTP server keeping every message: plain, or requiring STARTTLS with ``tls``, and a
    login with ``login`` (user, password) when given."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        _Keeper(mailbox),
        hostname="127.0.0.1",
        port=port,
        tls_context=tls,
        require_starttls=tls is not None,
        authenticator=_Users(*login) if login else None,
        auth_require_tls=tls is not None,
    )
    controller.start()
    mailbox.address = f"127.0.0.1:{port}"
    try:
        yield mailbox
    finally:
        controller.stop()

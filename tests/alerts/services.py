"""A stand-in for the chat and paging services on 127.0.0.1: it records every request (path,
headers, JSON or form body) and answers as the real service does, with its success body or
one of its documented error answers, or hangs."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from tests.alerts.receivers import loopback

HANG_SECONDS = 5.0

# What each service answers when it takes a message (status, body).
TAKEN: dict[str, tuple[int, Any]] = {
    "slack": (200, "ok"),
    "discord": (204, None),
    "msteams": (200, "1"),
    "telegram": (200, {"ok": True, "result": {"message_id": 7, "chat": {"id": -100123}}}),
    "pagerduty": (202, {"status": "success", "message": "Event processed", "dedup_key": "x"}),
    "opsgenie": (202, {"result": "Request will be processed", "took": 0.1, "requestId": "r1"}),
    "pushover": (200, {"status": 1, "request": "647d2300-702c-4b38-8b2f-d56326ae460b"}),
    "ntfy": (200, {"id": "sPs71M8A2T", "time": 1700000000, "event": "message", "topic": "t"}),
    "gotify": (200, {"id": 25, "appid": 5, "message": "m", "title": "t", "priority": 8}),
}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any  # the JSON document, or the form as a dict


@dataclass
class Service:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    answer: tuple[int, Any] = (200, "ok")
    hang: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answers(self, kind: str) -> None:
        self.answer = TAKEN[kind]


class _Handler(BaseHTTPRequestHandler):
    service: Service

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = self.headers.get("Content-Type", "").startswith("application/x-www-form")
        body = dict(parse_qsl(raw.decode())) if form else json.loads(raw or b"null")
        with self.service.lock:
            self.service.received.append(Received(self.path, dict(self.headers), body))
        if self.service.hang:
            time.sleep(HANG_SECONDS)
        status, answer = self.service.answer
        payload = b"" if answer is None else _bytes(answer)
        self.send_response(status)
        kind = "text/plain" if isinstance(answer, str) else "application/json"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests assert on what was received."""


def _bytes(answer: Any) -> bytes:
    return answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()


@contextmanager
def service_server() -> Iterator[Service]:
    service = Service()
    with loopback(_Handler, service=service) as service.url:
        yield service

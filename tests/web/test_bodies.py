"""Request bodies are bounded before anything reads them; JSON is bounded in depth; the
current-password check is throttled like the login form."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.web.accounts import PASSWORD, add_user, bearer, log_in
from tests.web.conftest import SETTINGS
from tests.web.serving import serving
from web.app import create_app
from web.http.bodies import API_BYTES, FORM_BYTES, MAX_JSON_DEPTH

CHUNK = 4096


@pytest.fixture
def base(empty_store: Storage) -> Iterator[str]:
    """The base URL of the app served by a real uvicorn."""
    with serving(create_app(empty_store, SETTINGS)) as url:
        yield url


def connect(base: str) -> socket.socket:
    parts = urlsplit(base)
    return socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10)


def status_line(sock: socket.socket) -> str:
    return sock.recv(65536).split(b"\r\n", 1)[0].decode()


def test_a_post_declaring_200_mb_is_refused_before_a_byte_of_it_is_read(base: str) -> None:
    with connect(base) as sock:
        sock.sendall(
            b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 200000000\r\n\r\n"
        )
        assert status_line(sock) == "HTTP/1.1 413 Request Entity Too Large"


def test_a_streamed_body_is_cut_off_once_past_the_limit(base: str) -> None:
    """Chunked, so no length is declared: the server answers once the limit is passed, while
    the client still has 50 MB to send."""
    sent = 0
    with connect(base) as sock:
        sock.sendall(
            b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"%x\r\n%s\r\n" % (CHUNK, b"a" * CHUNK)
        while sent < 50 * 2**20 and not select.select([sock], [], [], 0.01)[0]:
            sock.sendall(chunk)
            sent += CHUNK
        assert status_line(sock) == "HTTP/1.1 413 Request Entity Too Large"
    assert FORM_BYTES < sent < 2**20


def test_a_signed_in_post_over_the_limit_is_refused_before_the_csrf_check(
    app_client: TestClient, empty_store: Storage
) -> None:
    add_user(empty_store, "ann", "admin")
    csrf = log_in(app_client, "ann")

    response = app_client.post(
        "/account/tokens", data={"name": "x" * FORM_BYTES, "csrf_token": csrf}
    )

    assert response.status_code == 413
    assert f"over {FORM_BYTES:,} bytes" in response.text
    assert empty_store.tokens("ann") == []


def test_the_api_takes_a_larger_json_body_than_a_form_but_not_more(
    app_client: TestClient, empty_store: Storage
) -> None:
    add_user(empty_store, "root", "admin")
    padded = b'{"comment": "' + b"x" * API_BYTES + b'"}'

    response = app_client.post(
        "/api/v1/silences", content=padded, headers=bearer(empty_store, "root")
    )

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_json_nested_30000_deep_is_a_400_naming_the_depth(
    app_client: TestClient, empty_store: Storage
) -> None:
    add_user(empty_store, "root", "admin")
    deep = b"[" * 30_000 + b"]" * 30_000

    response = app_client.post(
        "/api/v1/silences", content=deep, headers=bearer(empty_store, "root")
    )

    assert response.status_code == 400
    assert response.json()["detail"] == (f"body: nests 30000 levels deep, over {MAX_JSON_DEPTH}")


def test_brackets_inside_json_strings_do_not_count_as_depth(
    app_client: TestClient, empty_store: Storage
) -> None:
    add_user(empty_store, "root", "admin")
    body = b'{"comment": "' + b"[" * 100 + b'\\"{"}'

    response = app_client.post(
        "/api/v1/silences", content=body, headers=bearer(empty_store, "root")
    )

    assert response.status_code == 400
    assert "nests" not in response.json()["detail"]


def test_wrong_current_passwords_are_throttled_like_logins(
    app_client: TestClient, empty_store: Storage
) -> None:
    add_user(empty_store, "ann", "admin")
    csrf = log_in(app_client, "ann")
    form = {"new": "another long one", "again": "another long one", "csrf_token": csrf}

    wrong = [
        app_client.post("/account/password", data={**form, "current": f"guess {n}"})
        for n in range(6)
    ]
    right = app_client.post("/account/password", data={**form, "current": PASSWORD})

    assert [r.status_code for r in wrong] == [400, 400, 400, 400, 400, 429]
    assert "too many wrong passwords: try again in 15 s" in wrong[-1].text
    assert wrong[-1].headers["retry-after"] == "15"
    assert right.status_code == 429

"""Security defaults: hosts, CORS, headers, and hostile labels rendered inert."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.storage.builders import NOW
from tests.web.fleet import HOSTILE
from web.app import create_app
from web.http.state import Settings

RAW = ("<script>alert('x')</script>", "<img src=x onerror=alert(1)>")


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers

    assert "script-src 'self';" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_an_unlisted_host_header_is_refused(client: TestClient) -> None:
    response = client.get("/", headers={"Host": "evil.example"})

    assert response.status_code == 400


def test_no_cors_headers_unless_origins_are_configured(client: TestClient) -> None:
    response = client.get("/api/v1/servers", headers={"Origin": "https://elsewhere.example"})

    assert "access-control-allow-origin" not in response.headers


def test_a_configured_origin_may_read_the_api_and_no_other(seeded: Storage) -> None:
    settings = Settings(
        clock=lambda: NOW, allowed_hosts=("testserver",), cors_origins=("https://ops.example",)
    )
    with TestClient(create_app(seeded, settings)) as client:
        allowed = client.get("/api/v1/servers", headers={"Origin": "https://ops.example"})
        other = client.get("/api/v1/servers", headers={"Origin": "https://evil.example"})

    assert allowed.headers["access-control-allow-origin"] == "https://ops.example"
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("url", ["/", f"/servers/{quote(HOSTILE)}?job=probe", "/?job=%3Cscript%3E"])
def test_hostile_labels_and_names_are_escaped(client: TestClient, url: str) -> None:
    page = client.get(url).text

    assert not any(raw in page for raw in RAW)


def test_hostile_labels_show_as_text(client: TestClient) -> None:
    page = client.get("/").text

    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;:9100" in page
    assert "note=&#34;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Zürich ☃ ﷽" in page


def test_pages_have_no_inline_script(client: TestClient) -> None:
    for url in ("/", "/servers/web1:9100", "/api", "/login"):
        page = client.get(url).text
        assert page.count("<script") == page.count('<script src="/static/') == 1


def test_a_configured_origin_may_send_an_api_token(seeded: Storage) -> None:
    settings = Settings(
        clock=lambda: NOW, allowed_hosts=("testserver",), cors_origins=("https://ops.example",)
    )
    preflight = {
        "Origin": "https://ops.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    with TestClient(create_app(seeded, settings)) as client:
        response = client.options("/api/v1/servers", headers=preflight)

    assert response.status_code == 200
    assert "authorization" in response.headers["access-control-allow-headers"].lower()

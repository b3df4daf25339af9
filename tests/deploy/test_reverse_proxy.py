"""The reverse-proxy snippets forward to the address the web app listens on, events unbuffered."""

from __future__ import annotations

import re

from tests.deploy.files import ROOT, compose

WEB_UNIT_LISTEN = "--listen 127.0.0.1:8080"
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
CADDY = (ROOT / "deploy" / "Caddyfile").read_text()


def test_the_web_unit_and_compose_serve_the_web_app_on_the_hosts_loopback_port_8080() -> None:
    assert WEB_UNIT_LISTEN in (ROOT / "deploy" / "hostwatch-web.service").read_text()
    assert compose()["web"].spec["ports"] == ["127.0.0.1:8080:8080"]


def test_nginx_proxies_to_the_web_app() -> None:
    assert "server 127.0.0.1:8080;" in NGINX


def test_nginx_forwards_the_host_and_the_scheme() -> None:
    assert "proxy_set_header Host $host;" in NGINX
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX


def test_nginx_passes_the_event_stream_unbuffered() -> None:
    stream = re.search(r"location /api/v1/stream \{(.*?)\}", NGINX, re.DOTALL)

    assert stream is not None
    assert "proxy_buffering off;" in stream[1]


def test_caddy_proxies_to_the_web_app_and_flushes_every_event() -> None:
    assert "reverse_proxy 127.0.0.1:8080 {" in CADDY
    assert "flush_interval -1" in CADDY

"""deploy/nginx.conf and deploy/Caddyfile, run for real in front of hostwatch-web.

Each snippet is used as shipped except for what only a test can change: its ports (free ones on
127.0.0.1 instead of 80, 443 and 8080), its certificate (a throw-away one for the snippet's
name and 127.0.0.1) and the files a server keeps (in the test's directory). Clients connect to
127.0.0.1 and send the public name as Host, as a browser would after DNS.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from storage import Storage
from tests.conftest import require_tool
from tests.deploy.files import ROOT, eventually, running
from tests.exporter.certs import make_certificates
from tests.exporter.serving import free_port
from tests.storage.builders import NOW
from tests.web.conftest import open_seeded
from tests.web.fleet import MINUTE, scrape

pytestmark = pytest.mark.slow
NAME = "monitoring.example.org"
WEB_PORT = 8080  # hostwatch-web.service's --listen and docker-compose.yml's published port


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced; ``old`` must be there (the snippet may have changed)."""
    assert old in text, f"{old!r} is no longer in the snippet"
    return text.replace(old, new)


@dataclass(frozen=True)
class Proxy:
    """A reverse proxy started by a test: where to reach it."""

    http: int
    https: int
    ca: Path

    def client(self) -> httpx.Client:
        return httpx.Client(
            verify=ssl.create_default_context(cafile=self.ca), headers={"Host": NAME}, timeout=15
        )


@dataclass(frozen=True)
class Site:
    """What a proxy needs to start: its ports, certificate, directory and the web app's port."""

    directory: Path
    web_port: int
    http: int
    https: int
    cert: Path
    key: Path

    def nginx(self) -> list[str]:
        text = (ROOT / "deploy" / "nginx.conf").read_text()
        text = replaced(text, f"server 127.0.0.1:{WEB_PORT};", f"server 127.0.0.1:{self.web_port};")
        text = replaced(text, "listen 80;", f"listen 127.0.0.1:{self.http};")
        text = replaced(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{self.https} ssl http2;")
        text = re.sub(r"\n *listen \[::\]:.*;", "", text)
        text = re.sub(r"ssl_certificate +\S+;", f"ssl_certificate {self.cert};", text)
        text = re.sub(r"ssl_certificate_key +\S+;", f"ssl_certificate_key {self.key};", text)
        (self.directory / "hostwatch.conf").write_text(text)
        d = self.directory
        (d / "nginx.conf").write_text(
            f"daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n"
            "events {}\nhttp {\n    access_log off;\n"
            + "".join(f"    {kind}_temp_path {d}/{kind};\n" for kind in TEMP_PATHS)
            + f"    include {d}/hostwatch.conf;\n}}\n"
        )
        nginx = require_tool("nginx")
        return [nginx, "-p", str(d), "-e", f"{d}/error.log", "-c", f"{d}/nginx.conf"]

    def caddy(self) -> list[str]:
        text = (ROOT / "deploy" / "Caddyfile").read_text()
        text = replaced(
            text,
            f"reverse_proxy 127.0.0.1:{WEB_PORT} ",
            f"reverse_proxy 127.0.0.1:{self.web_port} ",
        )
        text = replaced(text, f"{NAME} {{\n", f"{NAME} {{\n\ttls {self.cert} {self.key}\n")
        options = (
            f"{{\n\tadmin off\n\thttp_port {self.http}\n\thttps_port {self.https}\n"
            f"\tdefault_sni {NAME}\n\tskip_install_trust\n"
            f"\tstorage file_system {self.directory}/caddy\n}}\n"
        )
        (self.directory / "Caddyfile").write_text(options + text)
        caddyfile = str(self.directory / "Caddyfile")
        return [require_tool("caddy"), "run", "--adapter", "caddyfile", "--config", caddyfile]


TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Storage]:
    """The web tests' fleet in SQLite; a test writes to it to make the web app push an event."""
    seeded = open_seeded(f"sqlite:///{tmp_path / 'hostwatch.db'}")
    yield seeded
    seeded.close()


@pytest.fixture(params=["nginx", "caddy"])
def proxy(request: pytest.FixtureRequest, store: Storage, tmp_path: Path) -> Iterator[Proxy]:
    """hostwatch-web as the systemd unit runs it, behind the snippet of ``request.param``."""
    ca, cert, key = make_certificates(tmp_path, NAME)
    site = Site(tmp_path, free_port(), free_port(), free_port(), cert, key)
    web = [
        f"{Path(sys.executable).parent}/hostwatch-web",
        f"--listen=127.0.0.1:{site.web_port}",
        f"--allowed-hosts={NAME}",
        f"--database-url=sqlite:///{tmp_path / 'hostwatch.db'}",
    ]
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    command = site.nginx() if request.param == "nginx" else site.caddy()
    proxy = Proxy(site.http, site.https, ca)
    with running(web, env, tmp_path), running(command, env, tmp_path), proxy.client() as client:
        eventually(lambda: ready(client, proxy), 30, f"{request.param} did not answer")
        yield proxy


def ready(client: httpx.Client, proxy: Proxy) -> bool | None:
    """True once the web app answers through the proxy; None until then."""
    try:
        return client.get(f"https://127.0.0.1:{proxy.https}/health").status_code == 200 or None
    except httpx.TransportError:
        return None


def test_the_web_app_answers_under_its_public_name_over_tls(proxy: Proxy) -> None:
    with proxy.client() as client:
        response = client.get(f"https://127.0.0.1:{proxy.https}/api/v1/servers")

    assert response.status_code == 200
    assert [s["instance"] for s in response.json()["servers"]][:2] == ["db1:9100", "web1:9100"]


def test_plain_http_is_redirected_to_https(proxy: Proxy) -> None:
    with proxy.client() as client:
        response = client.get(f"http://127.0.0.1:{proxy.http}/servers/web1:9100")

    assert response.status_code in {301, 308}
    assert re.fullmatch(
        rf"https://{NAME}(:{proxy.https})?/servers/web1:9100", response.headers["location"]
    )


def test_an_event_reaches_the_browser_through_the_proxy_as_it_happens(
    proxy: Proxy, store: Storage
) -> None:
    later = threading.Timer(1, store.write, [[scrape("web1:9100", NOW + MINUTE, "disk on fire")]])
    url = f"https://127.0.0.1:{proxy.https}/api/v1/stream?server=web1:9100"
    with proxy.client() as client, client.stream("GET", url) as response:
        later.start()
        event = first_event(response, 15)

    assert event["last_error"] == "disk on fire"


def first_event(response: httpx.Response, seconds: float) -> dict[str, Any]:
    """The data of the first event on the stream, if it comes within ``seconds``.

    The web app sends a keep-alive comment every 2 s, so the clock is checked at least that
    often; a proxy that buffers the stream holds those back too and the read times out.
    """
    deadline = time.monotonic() + seconds
    for line in response.iter_lines():
        if line.startswith("data: "):
            data: dict[str, Any] = json.loads(line.removeprefix("data: "))
            return data
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"no event within {seconds} s")

import ssl
from pathlib import Path

import bcrypt
import httpx
import pytest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import CollectorRegistry

from exporter import webconfig
from exporter.credentials import Credentials
from exporter.errors import ConfigError
from tests.exporter.certs import make_certificates
from tests.exporter.serving import serving

PASSWORD_HASH = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(rounds=4)).decode()


class One:
    def collect(self) -> list[GaugeMetricFamily]:
        return [GaugeMetricFamily("answer", "The answer.", value=42.0)]


@pytest.fixture
def registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(One())
    return registry


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "web.yml"
    path.write_text(text)
    return str(path)


def basic_auth_config(tmp_path: Path) -> webconfig.WebConfig:
    return webconfig.load(write(tmp_path, f"basic_auth_users:\n  alice: '{PASSWORD_HASH}'\n"))


def test_basic_auth_lets_the_right_password_through(
    tmp_path: Path, registry: CollectorRegistry
) -> None:
    with serving(registry, basic_auth_config(tmp_path)) as server:
        response = httpx.get(f"{server.url}/metrics", auth=("alice", "s3cret"))
    assert response.status_code == 200
    assert "answer 42.0" in response.text


@pytest.mark.parametrize(
    "auth", [None, ("alice", "wrong"), ("mallory", "s3cret")], ids=["none", "password", "user"]
)
def test_wrong_or_missing_credentials_get_401_and_nothing_else(
    tmp_path: Path, registry: CollectorRegistry, auth: tuple[str, str] | None
) -> None:
    with serving(registry, basic_auth_config(tmp_path)) as server:
        response = httpx.get(f"{server.url}/metrics", auth=auth)
    assert response.status_code == 401
    assert response.text == "Unauthorized\n"
    assert response.headers["www-authenticate"] == 'Basic realm="hostwatch"'


def test_basic_auth_also_guards_the_landing_page(
    tmp_path: Path, registry: CollectorRegistry
) -> None:
    with serving(registry, basic_auth_config(tmp_path)) as server:
        assert httpx.get(f"{server.url}/").status_code == 401


def test_tls_serves_metrics_to_a_client_that_trusts_the_ca(
    tmp_path: Path, registry: CollectorRegistry
) -> None:
    ca, cert, key = make_certificates(tmp_path)
    config = webconfig.load(
        write(tmp_path, f"tls_server_config:\n  cert_file: {cert.name}\n  key_file: {key.name}\n")
    )
    with serving(registry, config) as server:
        url = server.url
        response = httpx.get(f"{url}/metrics", verify=ssl.create_default_context(cafile=ca))
    assert url.startswith("https://")
    assert "answer 42.0" in response.text


def test_plain_http_to_a_tls_port_gets_no_metrics(
    tmp_path: Path, registry: CollectorRegistry
) -> None:
    _, cert, key = make_certificates(tmp_path)
    config = webconfig.load(
        write(tmp_path, f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n")
    )
    with serving(registry, config) as server:
        plain = server.url.replace("https://", "http://")
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{plain}/metrics", timeout=5)


def test_tls_and_basic_auth_combine(tmp_path: Path, registry: CollectorRegistry) -> None:
    ca, cert, key = make_certificates(tmp_path)
    text = (
        f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n"
        f"basic_auth_users:\n  alice: '{PASSWORD_HASH}'\n"
    )
    with serving(registry, webconfig.load(write(tmp_path, text))) as server:
        denied = httpx.get(f"{server.url}/metrics", verify=ssl.create_default_context(cafile=ca))
        allowed = httpx.get(
            f"{server.url}/metrics",
            verify=ssl.create_default_context(cafile=ca),
            auth=("alice", "s3cret"),
        )
    assert (denied.status_code, allowed.status_code) == (401, 200)


def test_extra_response_headers_come_from_http_server_config(
    tmp_path: Path, registry: CollectorRegistry
) -> None:
    config = webconfig.load(write(tmp_path, "http_server_config:\n  headers:\n    X-Test: yes\n"))
    with serving(registry, config) as server:
        assert httpx.get(f"{server.url}/metrics").headers["x-test"] == "True"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tls_config: {}\n", "unknown key tls_config"),
        ("tls_server_config:\n  cert_file: a.crt\n", "tls_server_config.key_file is required"),
        ("tls_server_config:\n  cert_fiel: a.crt\n", "unknown key tls_server_config.cert_fiel"),
        ("basic_auth_users:\n  bob: hunter2\n", "basic_auth_users.bob is not a bcrypt hash"),
        ("basic_auth_users:\n  bob: $2b$12$short\n", "basic_auth_users.bob is not a bcrypt hash"),
        (f"basic_auth_users:\n  bob: '{PASSWORD_HASH}!'\n", "bob is not a bcrypt hash"),
        ("basic_auth_users:\n  bob: '$2b$03$" + "a" * 53 + "'\n", "bob is not a bcrypt hash"),
        ("basic_auth_users: [bob]\n", "basic_auth_users must be a mapping"),
        ("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n", "cert_file/key_file"),
        ("key: [unclosed\n", "invalid YAML"),
    ],
)
def test_a_broken_web_config_is_refused_naming_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        webconfig.load(write(tmp_path, text))


def test_an_unknown_tls_version_is_refused_with_the_choices(tmp_path: Path) -> None:
    _, cert, key = make_certificates(tmp_path)
    text = f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n  min_version: TLS9\n"
    with pytest.raises(ConfigError, match="min_version 'TLS9' is not one of TLS10, TLS11"):
        webconfig.load(write(tmp_path, text))


def test_unknown_users_are_checked_against_a_stand_in_as_costly_as_the_real_hashes() -> None:
    users = {
        "alice": bcrypt.hashpw(b"a", bcrypt.gensalt(rounds=5)),
        "bob": bcrypt.hashpw(b"b", bcrypt.gensalt(rounds=6)),
    }

    stand_in = Credentials(users).stand_in

    assert stand_in.startswith(b"$2b$06$")
    assert webconfig.BCRYPT.fullmatch(stand_in.decode())


def test_a_missing_web_config_file_is_refused_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yml: cannot read"):
        webconfig.load(str(tmp_path / "missing.yml"))

"""The web-config file: TLS and basic auth in Prometheus exporter-toolkit's format.

A Prometheus scrape config that already talks to a protected node_exporter works unchanged::

    tls_server_config:
      cert_file: server.crt
      key_file: server.key
      client_auth_type: RequireAndVerifyClientCert   # optional
      client_ca_file: ca.crt                         # with the client_auth_types that verify
      min_version: TLS12                             # optional: TLS10..TLS13
    http_server_config:
      headers: {X-Frame-Options: deny}               # optional extra response headers
    basic_auth_users:
      alice: $2b$12$...                              # bcrypt hash (htpasswd -nBC 10 "" | tr -d ':')

Relative file paths are relative to the web-config file, as in exporter-toolkit.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exporter.errors import ConfigError

TLS_VERSIONS = {
    "TLS10": ssl.TLSVersion.TLSv1,
    "TLS11": ssl.TLSVersion.TLSv1_1,
    "TLS12": ssl.TLSVersion.TLSv1_2,
    "TLS13": ssl.TLSVersion.TLSv1_3,
}
CLIENT_AUTH = {
    "NoClientCert": ssl.CERT_NONE,
    "RequestClientCert": ssl.CERT_OPTIONAL,
    "VerifyClientCertIfGiven": ssl.CERT_OPTIONAL,
    "RequireAnyClientCert": ssl.CERT_REQUIRED,
    "RequireAndVerifyClientCert": ssl.CERT_REQUIRED,
}
TLS_KEYS = {
    "cert_file",
    "key_file",
    "client_auth_type",
    "client_ca_file",
    "min_version",
    "max_version",
}
# Modular crypt form: $2a$/$2b$/$2y$, a two-digit cost 04-31, 22 characters of salt and 31 of
# hash in bcrypt's base64. Anything else made every request fail with bcrypt's "Invalid salt".
BCRYPT = re.compile(r"\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}")
TOP_KEYS = {"tls_server_config", "http_server_config", "basic_auth_users"}
HTTP_KEYS = {"headers", "http2"}


@dataclass(frozen=True)
class WebConfig:
    """What the server enforces: a TLS context (or None) and bcrypt hashes by user name."""

    tls: ssl.SSLContext | None = None
    users: dict[str, bytes] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def load(path: str) -> WebConfig:
    """Parse and validate the web-config file at ``path``; errors name the key."""
    document = _read(Path(path))
    _check_keys("", document, TOP_KEYS)
    base = Path(path).parent
    return WebConfig(
        tls=_tls(_section(document, "tls_server_config", TLS_KEYS), base),
        users=_users(_mapping("basic_auth_users", document.get("basic_auth_users") or {})),
        headers=_headers(_section(document, "http_server_config", HTTP_KEYS)),
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"web-config {path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"web-config {path}: invalid YAML: {error}") from None
    return _mapping(f"web-config {path}", document or {})


def _mapping(key: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"web-config: {key} must be a mapping, not {type(value).__name__}")
    return value


def _section(document: dict[str, Any], key: str, allowed: set[str]) -> dict[str, Any]:
    section = _mapping(key, document.get(key) or {})
    _check_keys(f"{key}.", section, allowed)
    return section


def _check_keys(prefix: str, section: dict[str, Any], allowed: set[str]) -> None:
    for key in section:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ConfigError(f"web-config: unknown key {prefix}{key} (known: {known})")


def _tls(section: dict[str, Any], base: Path) -> ssl.SSLContext | None:
    if not section:
        return None
    for key in ("cert_file", "key_file"):
        if not section.get(key):
            raise ConfigError(f"web-config: tls_server_config.{key} is required for TLS")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _load_chain(context, base / section["cert_file"], base / section["key_file"])
    context.minimum_version = _version(section, "min_version", "TLS12")
    context.maximum_version = _version(section, "max_version", "TLS13")
    if context.minimum_version > context.maximum_version:
        # Every handshake would fail while the exporter claimed to serve on https.
        raise ConfigError(
            "web-config: tls_server_config.min_version "
            f"{section.get('min_version', 'TLS12')} is above max_version "
            f"{section.get('max_version', 'TLS13')}: no TLS version is left"
        )
    _client_auth(context, section, base)
    return context


def _load_chain(context: ssl.SSLContext, cert: Path, key: Path) -> None:
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ConfigError(
            f"web-config: tls_server_config.cert_file/key_file {cert}, {key}: {reason}"
        ) from None


def _version(section: dict[str, Any], key: str, default: str) -> ssl.TLSVersion:
    name = section.get(key, default)
    if name not in TLS_VERSIONS:
        choices = ", ".join(TLS_VERSIONS)
        raise ConfigError(f"web-config: tls_server_config.{key} {name!r} is not one of {choices}")
    return TLS_VERSIONS[name]


def _client_auth(context: ssl.SSLContext, section: dict[str, Any], base: Path) -> None:
    kind = section.get("client_auth_type", "NoClientCert")
    if kind not in CLIENT_AUTH:
        choices = ", ".join(CLIENT_AUTH)
        raise ConfigError(
            f"web-config: tls_server_config.client_auth_type {kind!r} is not one of {choices}"
        )
    context.verify_mode = CLIENT_AUTH[kind]
    ca_file = section.get("client_ca_file")
    if kind in {"VerifyClientCertIfGiven", "RequireAndVerifyClientCert"} and not ca_file:
        raise ConfigError(f"web-config: tls_server_config.client_ca_file is required by {kind}")
    if ca_file:
        try:
            context.load_verify_locations(base / ca_file)
        except (OSError, ssl.SSLError) as error:
            raise ConfigError(
                f"web-config: tls_server_config.client_ca_file {ca_file}: {error}"
            ) from None


def _users(section: dict[str, Any]) -> dict[str, bytes]:
    users = {}
    for user, hashed in section.items():
        if not isinstance(hashed, str) or not BCRYPT.fullmatch(hashed):
            raise ConfigError(
                f"web-config: basic_auth_users.{user} is not a bcrypt hash "
                "($2a$, $2b$ or $2y$, a cost from 04 to 31, $, 53 characters of ./A-Za-z0-9)"
            )
        users[str(user)] = hashed.encode()
    return users


def _headers(section: dict[str, Any]) -> dict[str, str]:
    headers = _mapping("http_server_config.headers", section.get("headers") or {})
    return {str(name): str(value) for name, value in headers.items()}

"""Personal API tokens: 256 random bits, stored only as their SHA-256 (web/auth makes and
checks them for the web app, the scraper checks them for remote write senders).

A fast hash is enough here, unlike for passwords: nobody can guess a 256-bit token, so there
is nothing for a slow hash to protect against; and the lookup by digest runs on every request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets

PREFIX = "hw_"  # lets secret scanners and people recognise a leaked token


def new() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def from_header(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or the password of a
    ``Basic`` one (any user name: clients such as Grafana's data sources that only speak
    basic auth send the token so); None for any other scheme or a malformed header."""
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "basic":
        return _basic_password(credentials.strip())
    if scheme.lower() != "bearer":
        return None
    return credentials.strip() or None


def _basic_password(credentials: str) -> str | None:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    _user, colon, password = decoded.partition(":")
    return password if colon and password else None

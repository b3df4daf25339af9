"""Personal API tokens: 256 random bits, stored only as their SHA-256 (web/auth makes and
checks them for the web app, the scraper checks them for remote write senders).

A fast hash is enough here, unlike for passwords: nobody can guess a 256-bit token, so there
is nothing for a slow hash to protect against; and the lookup by digest runs on every request.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "hw_"  # lets secret scanners and people recognise a leaked token


def new() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def from_header(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None for any other scheme."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None

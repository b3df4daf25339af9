"""The session cookie: a JSON payload with its issue time, signed with HMAC-SHA256.

The payload names the user and a fingerprint of their password hash, so changing a password
ends every session of that user; nothing about sessions is kept on the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

NAME = "hostwatch_session"


def signed(payload: dict[str, Any], secret: bytes, now_ms: int) -> str:
    text = json.dumps({**payload, "iat": now_ms // 1000}, separators=(",", ":"))
    body = base64.urlsafe_b64encode(text.encode()).decode()
    return f"{body}.{_mac(body, secret)}"


def verified(cookie: str, secret: bytes, now_ms: int, max_age_s: int) -> dict[str, Any] | None:
    """The payload if ``cookie`` was signed with ``secret`` no more than ``max_age_s`` ago."""
    body, _, mac = cookie.rpartition(".")
    if not hmac.compare_digest(mac.encode(), _mac(body, secret).encode()):
        return None
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body))
    return payload if 0 <= now_ms // 1000 - payload["iat"] <= max_age_s else None


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _mac(body: str, secret: bytes) -> str:
    return hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()

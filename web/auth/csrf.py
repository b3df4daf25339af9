"""CSRF protection for cookie-authenticated changes: a random token per session, sent back
in a hidden form field (``csrf_field()`` in templates) or an X-CSRF-Token header."""

from __future__ import annotations

import hmac
import secrets

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.datastructures import Headers

from web.auth import forms, principal

FIELD = "csrf_token"
HEADER = "x-csrf-token"


def new() -> str:
    return secrets.token_urlsafe(32)


def submitted(headers: Headers, body: bytes) -> str:
    """The token the request carries: the header, else the form field (url-encoded forms)."""
    if HEADER in headers:
        return headers[HEADER]
    if headers.get("content-type", "").startswith(forms.URLENCODED):
        return forms.fields(body).get(FIELD, "")
    return ""


def valid(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@pass_context
def field(context: Context) -> Markup:
    """The hidden input every form that changes something must contain."""
    token = principal.of(context["request"]).csrf
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token)

"""The url-encoded bodies of this app's forms (Starlette's own parser needs python-multipart,
which nothing else here would use)."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

URLENCODED = "application/x-www-form-urlencoded"


def fields(body: bytes) -> dict[str, str]:
    """The first value of each field."""
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in parsed.items()}


async def submitted(request: Request) -> dict[str, str]:
    is_form = request.headers.get("content-type", "").startswith(URLENCODED)
    return fields(await request.body()) if is_form else {}

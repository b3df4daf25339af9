"""Responses with an ETag (a hash of the body) that answer ``If-None-Match`` with 304."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

API_CACHE = "private, max-age=5"
PAGE_CACHE = "private, no-cache"


def finite(value: float) -> float | None:
    """JSON has no NaN or infinity: those read as null."""
    return value if math.isfinite(value) else None


def json_body(payload: Any) -> bytes:
    return json_text(payload).encode()


def json_text(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)


def api(request: Request, payload: Any) -> Response:
    return api_json(request, json_body(payload))


def api_json(request: Request, body: bytes) -> Response:
    """``api`` for a body already in JSON."""
    return cached(request, body, "application/json", API_CACHE)


def cached(request: Request, body: bytes, media_type: str, cache_control: str) -> Response:
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _matches(header: str, etag: str) -> bool:
    # Weak comparison (RFC 9110 13.1.2): a W/ prefix does not matter for GET.
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


def error(status: int, code: str, detail: str) -> Response:
    return uncached(status, {"error": code, "detail": detail})


def uncached(status: int, payload: Any) -> Response:
    """JSON that must never be reused: errors and health."""
    headers = {"Cache-Control": "no-store"}
    return Response(json_body(payload), status, media_type="application/json", headers=headers)


def is_api(path: str) -> bool:
    """Whether ``path`` answers in JSON (errors included) rather than HTML."""
    return path.startswith(("/api/", "/prometheus/")) or path == "/health"

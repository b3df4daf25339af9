"""Sending to a chat or paging service: one POST of the request messages.py builds, bounded
by the channel's timeout; the service's answer read the way it documents errors."""

from __future__ import annotations

from typing import Any

import anyio
import httpx

from model.errors import NotifyError
from scraper.alerts import messages
from scraper.alerts.dispatch import Notification
from scraper.alerts.model import Channel

REASON_KEYS = ("description", "errorDescription", "errors", "error", "message")
REASON_CHARS = 300


async def send(
    client: httpx.AsyncClient, channel: Channel, notification: Notification, external_url: str
) -> int:
    """POST the notification; its HTTP status, or NotifyError (``retry`` or not) naming the
    service's own reason when it did not take it."""
    wanted = messages.request(channel, messages.message(notification, external_url))
    try:
        with anyio.fail_after(channel.timeout_s):
            response = await client.post(
                wanted.url,
                json=wanted.json,
                data=wanted.form,
                headers=wanted.headers,
                timeout=channel.timeout_s,
            )
    except (TimeoutError, httpx.TimeoutException):
        raise NotifyError(f"{channel.kind}: timed out after {channel.timeout_s:g}s") from None
    except httpx.HTTPError as error:
        raise NotifyError(f"{channel.kind}: cannot reach it: {type(error).__name__}") from None
    refused = _refused(response)
    if refused is None:
        return response.status_code
    # A 4xx is the request's fault (a bad token, an unknown chat) and would fail again.
    retry = response.status_code >= 500 or response.status_code == 429
    status = response.status_code
    raise NotifyError(f"{channel.kind}: HTTP {status}: {refused}", retry=retry, status=status)


def _refused(response: httpx.Response) -> str | None:
    """Why the service refused, or None if it took the message. Telegram and Pushover may
    answer a refusal with ``ok: false`` / ``status: 0`` in the body."""
    body = _json(response)
    if response.is_success:
        if isinstance(body, dict) and (body.get("ok") is False or body.get("status") == 0):
            return _reason(response, body)
        return None
    return _reason(response, body)


def _reason(response: httpx.Response, body: Any) -> str:
    if isinstance(body, dict):
        for key in REASON_KEYS:
            found = body.get(key)
            if isinstance(found, list) and found:
                return "; ".join(map(str, found))[:REASON_CHARS]
            if isinstance(found, str) and found:
                return found[:REASON_CHARS]
    return response.text.strip()[:REASON_CHARS] or response.reason_phrase


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None

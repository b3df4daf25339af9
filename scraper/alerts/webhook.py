"""Sending to a webhook receiver: one POST of Alertmanager's JSON, bounded by its timeout."""

from __future__ import annotations

import anyio
import httpx

from model.errors import NotifyError
from scraper.alerts.dispatch import Notification
from scraper.alerts.model import Webhook
from scraper.alerts.payload import webhook as webhook_payload


async def send(
    client: httpx.AsyncClient, hook: Webhook, notification: Notification, external_url: str
) -> int:
    """POST the notification; its HTTP status, or NotifyError (``retry`` or not) when the
    receiver did not take it."""
    body = webhook_payload(
        notification.integration.receiver,
        notification.group_key,
        notification.group_labels,
        notification.alerts,
        external_url,
        hook.max_alerts,
    )
    auth = (
        httpx.BasicAuth(hook.username, hook.password) if hook.username else httpx.USE_CLIENT_DEFAULT
    )
    try:
        # httpx's timeout is per read; the deadline bounds a receiver that trickles bytes too.
        with anyio.fail_after(hook.timeout_s):
            response = await client.post(hook.url, json=body, auth=auth, timeout=hook.timeout_s)
    except (TimeoutError, httpx.TimeoutException):
        raise NotifyError(f"timed out after {hook.timeout_s:g}s") from None
    except httpx.HTTPError as error:
        raise NotifyError(f"cannot reach the receiver: {type(error).__name__}") from None
    if response.is_success:
        return response.status_code
    # As in Alertmanager: a 4xx is the payload's fault and would fail again, a 5xx may pass.
    retry = response.status_code >= 500 or response.status_code == 429
    raise NotifyError(f"HTTP {response.status_code}", retry=retry, status=response.status_code)

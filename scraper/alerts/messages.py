"""What each chat and paging service is sent: the request its API documents, built from one
message (which server, which alert, its value, a link to the server page).

Slack: incoming webhook JSON (text, attachments). Discord: webhook JSON (embeds). Teams:
MessageCard. Telegram: Bot API sendMessage. PagerDuty: Events API v2. Opsgenie: Alert API v2
(create, and close by alias). Pushover: messages.json form. ntfy: JSON publish. Gotify:
POST /message."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from scraper.alerts.dispatch import Notification
from scraper.alerts.model import Channel
from scraper.alerts.payload import status
from storage import Alert

RED, GREEN = 0xD63232, 0x2DA44E


@dataclass(frozen=True)
class Request:
    url: str
    json: Any = None
    form: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    title: str  # [FIRING:2] HighCPU
    lines: tuple[str, ...]  # one per alert: name, server, value, summary
    link: str  # the first alert's server page
    firing: bool
    group_key: str
    severity: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def dedup_key(self) -> str:
        """One incident per group at PagerDuty and Opsgenie: the resolve closes the trigger."""
        return hashlib.sha256(self.group_key.encode()).hexdigest()[:40]


def title(alerts: Sequence[Alert]) -> str:
    firing = sum(1 for alert in alerts if alert.state == "firing")
    names = ", ".join(sorted({alert.rule for alert in alerts}))
    return f"[{status(alerts).upper()}:{firing}] {names}"


def server_url(alert: Alert, external_url: str) -> str:
    job = quote(dict(alert.labels).get("job", ""), safe="")
    return f"{external_url}/servers/{quote(alert.instance, safe=':')}?job={job}"


def message(notification: Notification, external_url: str) -> Message:
    alerts = notification.alerts
    severities = {dict(alert.labels).get("severity", "") for alert in alerts}
    return Message(
        title=title(alerts),
        lines=tuple(_line(alert) for alert in alerts),
        link=server_url(alerts[0], external_url),
        firing=status(alerts) == "firing",
        group_key=notification.group_key,
        severity=next((s for s in ("critical", "warning", "info") if s in severities), "warning"),
    )


def _line(alert: Alert) -> str:
    summary = dict(alert.annotations).get("summary", "")
    value = f"value {alert.value:g}"
    said = f": {summary}" if summary else ""
    return f"[{alert.state}] {alert.rule} on {alert.instance}, {value}{said}"


def request(channel: Channel, said: Message) -> Request:
    return BUILDERS[channel.kind](channel, said)


def _slack(channel: Channel, said: Message) -> Request:
    extra = {key: channel.option(key) for key in ("channel", "username") if channel.option(key)}
    attachment = {
        "title": said.title,
        "title_link": said.link,
        "text": said.text,
        "fallback": said.title,
        "color": "danger" if said.firing else "good",
    }
    return Request(channel.url, {**extra, "text": said.title, "attachments": [attachment]})


def _discord(channel: Channel, said: Message) -> Request:
    embed = {
        "title": said.title[:256],
        "url": said.link,
        "description": said.text[:4096],
        "color": RED if said.firing else GREEN,
    }
    return Request(channel.url, {"embeds": [embed]})


def _msteams(channel: Channel, said: Message) -> Request:
    card = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "themeColor": f"{RED if said.firing else GREEN:06X}",
        "summary": said.title,
        "title": said.title,
        "text": "\n\n".join(said.lines),
        "potentialAction": [
            {
                "@type": "OpenUri",
                "name": "Open server",
                "targets": [{"os": "default", "uri": said.link}],
            }
        ],
    }
    return Request(channel.url, card)


def _open_uri(link: str) -> dict[str, Any]:
    return {"@type": "OpenUri", "name": "Open server", "targets": [{"os": "default", "uri": link}]}


def _telegram(channel: Channel, said: Message) -> Request:
    text = (
        f"<b>{html.escape(said.title)}</b>\n{html.escape(said.text)}\n"
        f'<a href="{html.escape(said.link)}">server page</a>'
    )
    body: dict[str, Any] = {
        "chat_id": int(channel.recipient),
        "text": text[:4096],
        "parse_mode": "HTML",
        "disable_notification": channel.option("disable_notifications") == "true",
    }
    if thread := channel.option("message_thread_id"):
        body["message_thread_id"] = int(thread)
    return Request(f"{channel.url.rstrip('/')}/bot{channel.secret}/sendMessage", body)


def _pagerduty(channel: Channel, said: Message) -> Request:
    event: dict[str, Any] = {
        "routing_key": channel.secret,
        "event_action": "trigger" if said.firing else "resolve",
        "dedup_key": said.dedup_key,
    }
    if said.firing:
        event["payload"] = {
            "summary": said.title[:1024],
            "source": said.link,
            "severity": channel.option("severity", said.severity),
            "custom_details": {"alerts": list(said.lines)},
        }
        event["client"] = channel.option("client", "hostwatch")
        event["client_url"] = channel.option("client_url", said.link)
        event["links"] = [{"href": said.link, "text": "server page"}]
    return Request(channel.url, event)


def _opsgenie(channel: Channel, said: Message) -> Request:
    base = channel.url.rstrip("/")
    headers = {"Authorization": f"GenieKey {channel.secret}"}
    if not said.firing:
        close = f"{base}/v2/alerts/{said.dedup_key}/close?identifierType=alias"
        return Request(close, {"source": "hostwatch", "note": said.title}, headers=headers)
    body = {
        "message": said.title[:130],
        "alias": said.dedup_key,
        "description": said.text[:15000],
        "details": {"server": said.link},
        "source": "hostwatch",
        "priority": channel.option("priority", "P1" if said.severity == "critical" else "P3"),
    }
    return Request(f"{base}/v2/alerts", body, headers=headers)


def _pushover(channel: Channel, said: Message) -> Request:
    form = {
        "token": channel.secret,
        "user": channel.recipient,
        "title": said.title[:250],
        "message": said.text[:1024],
        "url": said.link,
        "url_title": "server page",
        "priority": channel.option("priority", "0"),
    }
    return Request(channel.url, form=form)


def _ntfy(channel: Channel, said: Message) -> Request:
    headers = {"Authorization": f"Bearer {channel.secret}"} if channel.secret else {}
    body = {
        "topic": channel.recipient,
        "title": said.title,
        "message": said.text,
        "priority": int(channel.option("priority", "5" if said.firing else "3")),
        "tags": ["rotating_light" if said.firing else "white_check_mark"],
        "click": said.link,
    }
    return Request(channel.url.rstrip("/") + "/", body, headers=headers)


def _gotify(channel: Channel, said: Message) -> Request:
    body = {
        "title": said.title,
        "message": said.text,
        "priority": int(channel.option("priority", "8" if said.firing else "4")),
        "extras": {"client::notification": {"click": {"url": said.link}}},
    }
    return Request(
        f"{channel.url.rstrip('/')}/message", body, headers={"X-Gotify-Key": channel.secret}
    )


BUILDERS: dict[str, Callable[[Channel, Message], Request]] = {
    "slack": _slack,
    "discord": _discord,
    "msteams": _msteams,
    "telegram": _telegram,
    "pagerduty": _pagerduty,
    "opsgenie": _opsgenie,
    "pushover": _pushover,
    "ntfy": _ntfy,
    "gotify": _gotify,
}

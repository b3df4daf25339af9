"""The chat and paging receivers of alerts.yml, under Alertmanager's keys where Alertmanager
has the service (``slack_configs``, ``telegram_configs``, ...), so a receiver block copied from
alertmanager.yml reads the same; ntfy and Gotify, which it lacks, follow the same pattern.

Each service is one row of SERVICES: which key holds its endpoint, its secret and its recipient
(each secret also from a ``*_file``), and its own settings. Go-template keys (title, text,
message, ...) are refused by name: hostwatch writes the message itself (messages.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from model.errors import ConfigError
from scraper.alerts.model import Channel, ChannelKind
from scraper.config.jobs import positive_duration, read_secret
from scraper.config.nodes import Node, Reader, Section, boolean, describe, string
from scraper.config.rules import http_url, quote

Rule = Callable[[Node], str]


def text(node: Node) -> str:
    return string(node)


def whole(node: Node) -> str:
    """A whole number, written bare or quoted (a Telegram chat id, a priority)."""
    value = str(getattr(node, "value", ""))
    if not value.lstrip("-").isdigit():
        raise ConfigError(f"expected a whole number, got {describe(node)}")
    return value


def flag(node: Node) -> str:
    return "true" if boolean(node) else "false"


def one_of(*choices: str) -> Rule:
    def rule(node: Node) -> str:
        value = string(node)
        if value not in choices:
            raise ConfigError(f"expected one of {', '.join(choices)}, got {quote(value)}")
        return value

    return rule


def http_url_text(node: Node) -> str:
    return http_url(string(node))


@dataclass(frozen=True)
class Service:
    kind: ChannelKind
    url_key: str
    default_url: str = ""  # "" when the endpoint must be given
    secret_key: str = ""
    recipient_key: str = ""
    options: dict[str, Rule] = field(default_factory=dict)
    unsupported: tuple[str, ...] = ()
    secret_recipient: bool = False  # Pushover's user key, also read from user_key_file
    url_is_secret: bool = False  # a webhook URL with its token inside, also read from a file

    @property
    def key(self) -> str:
        return f"{self.kind}_configs"

    def section(self) -> Section:
        keys = [self.url_key, *([f"{self.url_key}_file"] if self.url_is_secret else [])]
        keys += [self.secret_key, f"{self.secret_key}_file"] if self.secret_key else []
        keys += [self.recipient_key] if self.recipient_key else []
        keys += [f"{self.recipient_key}_file"] if self.secret_recipient else []
        return Section(
            f"a {self.kind} config",
            (*keys, *self.options, "send_resolved", "timeout"),
            (*self.unsupported, "http_config"),
        )


SERVICES = (
    Service("slack", "api_url", options={"channel": text, "username": text}, url_is_secret=True,
            unsupported=("title", "text", "pretext", "fields", "actions", "color", "icon_url",
                         "icon_emoji", "footer", "title_link", "callback_id", "mrkdwn_in")),
    Service("discord", "webhook_url", url_is_secret=True,
            unsupported=("title", "message", "content", "username", "avatar_url")),
    Service("msteams", "webhook_url", url_is_secret=True,
            unsupported=("title", "summary", "text")),
    Service("telegram", "api_url", "https://api.telegram.org", "bot_token", "chat_id",
            {"message_thread_id": whole, "disable_notifications": flag,
             "parse_mode": one_of("HTML")}, ("message",)),
    Service("pagerduty", "url", "https://events.pagerduty.com/v2/enqueue", "routing_key",
            options={"severity": one_of("critical", "error", "warning", "info"),
                     "client": text, "client_url": http_url_text},
            unsupported=("service_key", "service_key_file", "description", "details", "images",
                         "links", "component", "group", "class", "source")),
    Service("opsgenie", "api_url", "https://api.opsgenie.com/", "api_key",
            options={"priority": one_of("P1", "P2", "P3", "P4", "P5")},
            unsupported=("message", "description", "source", "details", "responders", "tags",
                         "note", "entity", "actions", "update_alerts")),
    Service("pushover", "api_url", "https://api.pushover.net/1/messages.json", "token",
            "user_key", {"priority": one_of("-2", "-1", "0", "1")},
            ("title", "message", "url", "url_title", "sound", "retry", "expire", "ttl", "html",
             "monospace", "device"), secret_recipient=True),
    Service("ntfy", "url", "https://ntfy.sh", "token", "topic",
            {"priority": one_of("1", "2", "3", "4", "5")}),
    Service("gotify", "url", "", "token", options={"priority": whole}),
)  # fmt: skip
REQUIRED_SECRET = {"telegram", "pagerduty", "opsgenie", "pushover", "gotify"}
REQUIRED_RECIPIENT = {"telegram", "pushover", "ntfy"}


def read_channels(reader: Reader, fields: dict[str, Node]) -> tuple[Channel, ...]:
    """Every channel of a receiver's ``*_configs`` lists, in SERVICES order."""
    found = (
        _channel(reader, item, service)
        for service in SERVICES
        for item in reader.items(fields.get(service.key), service.key)
    )
    return tuple(channel for channel in found if channel is not None)


def _channel(reader: Reader, node: Node, service: Service) -> Channel | None:
    fields = reader.fields(node, service.section())

    def value(key: str, required: bool, default: str = "") -> str | None:
        """``key`` or the contents of ``key``_file; None once a problem is recorded."""
        if key in fields and f"{key}_file" in fields:
            reader.problem(fields[f"{key}_file"], f"set {key} or {key}_file, not both")
            return None
        if f"{key}_file" in fields:
            return reader.read(fields[f"{key}_file"], key, lambda item: read_secret(reader, item))
        if key in fields or (required and not default):
            return reader.required(node, fields, key, whole if key == "chat_id" else string)
        return default

    url = value(service.url_key, True, service.default_url)
    secret = (
        value(service.secret_key, service.kind in REQUIRED_SECRET) if service.secret_key else ""
    )
    recipient = (
        value(service.recipient_key, service.kind in REQUIRED_RECIPIENT)
        if service.recipient_key
        else ""
    )
    options = tuple(
        (key, found)
        for key, rule in service.options.items()
        if key in fields and (found := reader.read(fields[key], key, rule)) is not None
    )
    if url is None or secret is None or recipient is None:
        return None
    try:
        return Channel(
            kind=service.kind,
            url=url,
            secret=secret,
            recipient=recipient,
            options=options,
            send_resolved=reader.get(fields, "send_resolved", boolean, True),
            timeout_s=reader.get(fields, "timeout", positive_duration, 10.0),
        )
    except ConfigError as error:
        reader.problem(fields.get(service.url_key) or fields.get(f"{service.url_key}_file") or node,
                       error.message)  # fmt: skip
        return None

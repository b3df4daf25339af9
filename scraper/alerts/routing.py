"""The receivers and the route of alerts.yml: who is told, how, and in which batches."""

from __future__ import annotations

from model.errors import ConfigError
from scraper.alerts.channels import read_channels
from scraper.alerts.matchers import read_matchers
from scraper.alerts.model import Email, Receiver, Route, Webhook
from scraper.alerts.sections import CHILD_ROUTE, EMAIL, EMAIL_TLS, RECEIVER, ROUTE, WEBHOOK
from scraper.config import TLSConfig, rules
from scraper.config.jobs import positive_duration, read_basic_auth, read_secret, read_tls
from scraper.config.nodes import Fields, Node, Reader, boolean, duration, integer, string
from scraper.config.rules import quote
from scraper.config.targets import Unique


def read_receivers(reader: Reader, node: Node | None) -> tuple[Receiver, ...]:
    names = Unique(lambda item: rules.not_empty(string(item)))
    found = (_receiver(reader, item, names) for item in reader.items(node, "receivers"))
    return tuple(receiver for receiver in found if receiver is not None)


def _receiver(reader: Reader, node: Node, names: Unique) -> Receiver | None:
    fields = reader.fields(node, RECEIVER)
    name = reader.required(node, fields, "name", names)
    webhooks = (
        _webhook(reader, item)
        for item in reader.items(fields.get("webhook_configs"), "webhook_configs")
    )
    emails = (
        _email(reader, item) for item in reader.items(fields.get("email_configs"), "email_configs")
    )
    receiver = Receiver(
        name or "unnamed",
        tuple(hook for hook in webhooks if hook is not None),
        tuple(mail for mail in emails if mail is not None),
        read_channels(reader, fields),
    )
    return receiver if name else None


def _webhook(reader: Reader, node: Node) -> Webhook | None:
    fields = reader.fields(node, WEBHOOK)
    url = reader.required(node, fields, "url", http_url)
    auth = read_basic_auth(reader, fields.get("basic_auth"))
    hook = Webhook(
        url=url or "",
        send_resolved=reader.get(fields, "send_resolved", boolean, True),
        username=auth.username if auth else "",
        password=auth.password if auth else "",
        timeout_s=reader.get(fields, "timeout", positive_duration, 10.0),
        max_alerts=reader.get(
            fields, "max_alerts", lambda item: rules.non_negative(integer(item)), 0
        ),
    )
    return hook if url else None


def http_url(node: Node) -> str:
    url = string(node)
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"expected an http:// or https:// URL, got {quote(url)}")
    return url


def _email(reader: Reader, node: Node) -> Email | None:
    fields = reader.fields(node, EMAIL)
    to = reader.required(node, fields, "to", _addresses)
    sender = reader.required(node, fields, "from", string)
    smarthost = reader.required(node, fields, "smarthost", lambda item: rules.address(string(item)))
    if "auth_password" in fields and "auth_password_file" in fields:
        reader.problem(
            fields.pop("auth_password_file"), "set auth_password or auth_password_file, not both"
        )
    password = reader.get(fields, "auth_password_file", lambda item: read_secret(reader, item), "")
    if not (to and sender and smarthost):
        return None
    return Email(
        to=to,
        sender=sender,
        smarthost=smarthost,
        username=reader.get(fields, "auth_username", string, ""),
        password=reader.get(fields, "auth_password", string, password),
        require_tls=reader.get(fields, "require_tls", boolean, True),
        tls=read_tls(reader, fields.get("tls_config"), EMAIL_TLS) or TLSConfig(),
        send_resolved=reader.get(fields, "send_resolved", boolean, False),
        timeout_s=reader.get(fields, "timeout", positive_duration, 10.0),
    )


def _addresses(node: Node) -> tuple[str, ...]:
    """One address, or several separated by commas, as Alertmanager's ``to``."""
    found = tuple(part.strip() for part in string(node).split(",") if part.strip())
    if not found or not all("@" in address for address in found):
        raise ConfigError(
            f"expected e-mail addresses like ops@example.org, got {quote(node.value)}"
        )
    return found


def read_route(
    reader: Reader, node: Node | None, receivers: set[str]
) -> tuple[Route | None, tuple[Route, ...]]:
    """The default route and its children, which inherit its grouping."""
    if node is None:
        return None, ()
    fields = reader.fields(node, ROUTE)
    default = _route(reader, node, fields, receivers, Route(""))
    children = (
        _route(reader, item, reader.fields(item, CHILD_ROUTE), receivers, default)
        for item in reader.items(fields.get("routes"), "routes")
    )
    return default, tuple(children)


def _route(reader: Reader, node: Node, fields: Fields, receivers: set[str], parent: Route) -> Route:
    return Route(
        receiver=_route_receiver(reader, node, fields, receivers, parent.receiver),
        matchers=read_matchers(reader, fields, ()),
        group_by=_group_by(reader, fields, parent.group_by),
        group_wait_s=reader.get(fields, "group_wait", duration, parent.group_wait_s),
        group_interval_s=reader.get(
            fields, "group_interval", positive_duration, parent.group_interval_s
        ),
        repeat_interval_s=reader.get(
            fields, "repeat_interval", positive_duration, parent.repeat_interval_s
        ),
    )


def _route_receiver(
    reader: Reader, node: Node, fields: Fields, receivers: set[str], inherited: str
) -> str:
    """The receiver named by the route; a child route may inherit its parent's."""

    def known(item: Node) -> str:
        name = string(item)
        if name not in receivers:
            raise ConfigError(f"no receiver is named {quote(name)}")
        return name

    if inherited:
        return reader.get(fields, "receiver", known, inherited)
    return reader.required(node, fields, "receiver", known) or ""


def _group_by(reader: Reader, fields: Fields, inherited: tuple[str, ...]) -> tuple[str, ...]:
    if "group_by" not in fields:
        return inherited
    names = (
        reader.read(item, "group_by", lambda label: rules.label_name(string(label)))
        for item in reader.items(fields["group_by"], "group_by")
    )
    return tuple(name for name in names if name is not None)

"""Rules and receivers created in the browser or over the API, beside alerts.yml's.

Each block has alerts.yml's shape and is read by alerts.yml's own readers (config.py's rule,
routing.py's receiver), so a block refused in the file is refused here with the same words. A
rule may name the ``receiver`` its alerts go to (a route on its alertname, before the file's).
Secrets are write-only: what the web app may show has each of them as "set", and a secret left
blank (or "set") in a changed block keeps the one stored before it."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from model.errors import ConfigError, ConfigErrors
from model.matchers import Matcher
from model.rule_keys import RECEIVER_KEY
from scraper.alerts.channels import SERVICES
from scraper.alerts.config import _rule
from scraper.alerts.defaults import BUILT_IN
from scraper.alerts.model import AlertsConfig, Receiver, Route, Rule
from scraper.alerts.routing import _receiver
from scraper.alerts.summary import document as file_document
from scraper.config.nodes import Node, Reader, string
from scraper.config.rules import not_empty, quote
from scraper.config.targets import Unique

SOURCE = "browser"
SET = "set"  # what a secret reads as wherever the web app shows it
# The keys of each *_configs entry that hold a secret (a webhook URL carries its token).
SECRETS: dict[str, tuple[str, ...]] = {
    "webhook_configs": ("url",),
    "email_configs": ("auth_password",),
    **{
        service.key: tuple(
            key
            for key, secret in (
                (service.url_key, service.url_is_secret),
                (service.secret_key, bool(service.secret_key)),
                (service.recipient_key, service.secret_recipient),
            )
            if secret
        )
        for service in SERVICES
    },
}
NESTED_SECRETS = {"basic_auth": ("password",)}


class Refused(ConfigError):
    """A block the scraper will not take; ``status`` 400 (invalid) or 409 (a file's name)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Stored:
    """The accepted blocks, read: rules with the receiver each names, and receivers."""

    rules: tuple[tuple[Rule, str], ...] = ()
    receivers: tuple[Receiver, ...] = ()

    def names(self, kind: str) -> set[str]:
        if kind == "rule":
            return {rule.name for rule, _ in self.rules}
        return {receiver.name for receiver in self.receivers}


def read_rule(block: dict[str, Any]) -> tuple[Rule, str]:
    """The rule of a block (alerts.yml's keys, plus ``receiver``) and the receiver it names."""
    rest = dict(block)
    receiver = rest.pop(RECEIVER_KEY, "")
    if not isinstance(receiver, str):
        raise Refused(f"{RECEIVER_KEY}: expected a receiver's name, got {quote(str(receiver))}")
    reader, node = _nodes("rule", rest)
    # A built-in rule's name is refused before (clash), so no block reads over a built-in one.
    rule = _rule(reader, node, Unique(lambda item: not_empty(string(item))))
    _check(reader)
    assert rule is not None  # a rule without a name was recorded as a problem
    return rule, receiver


def read_receiver(block: dict[str, Any]) -> Receiver:
    reader, node = _nodes("receiver", block)
    receiver = _receiver(reader, node, Unique(lambda item: not_empty(string(item))))
    _check(reader)
    assert receiver is not None
    return receiver


def clash(config: AlertsConfig, kind: str, name: str) -> Refused | None:
    """A 409 if alerts.yml (or the built-in rules) already names a rule or receiver ``name``."""
    where = config.path or "alerts.yml"
    if kind == "rule" and any(rule.name == name for rule in BUILT_IN):
        return Refused(f"rule {quote(name)} is a built-in rule: change it in {where}", 409)
    if kind == "rule":
        grouped = (rule.name for group in config.groups for rule in group.alerting)
        known = {*(rule.name for rule in config.rules), *grouped}
    else:
        known = {receiver.name for receiver in config.receivers}
    if name in known:
        return Refused(f"{kind} {quote(name)} is already defined in {where}: edit it there", 409)
    return None


def with_stored(config: AlertsConfig, stored: Stored) -> AlertsConfig:
    """alerts.yml's alerting with the stored rules and receivers added; a name the file holds
    keeps the file's (a clash is refused when proposed, so only a later edit of the file can)."""
    receivers = [r for r in stored.receivers if clash(config, "receiver", r.name) is None]
    known = {receiver.name for receiver in [*config.receivers, *receivers]}
    rules = [(r, to) for r, to in stored.rules if clash(config, "rule", r.name) is None]
    parent = config.default_route or Route("")
    routes = tuple(
        dataclasses.replace(parent, receiver=to, matchers=(Matcher("alertname", "=", rule.name),))
        for rule, to in rules
        if to in known
    )
    return dataclasses.replace(
        config,
        rules=(*config.rules, *(rule for rule, _ in rules if rule.enabled)),
        receivers=(*config.receivers, *receivers),
        routes=(*routes, *config.routes),
    )


def document(config: AlertsConfig, stored: Stored) -> dict[str, Any]:
    """summary.py's document, each rule and receiver with its source (alerts.yml or browser)."""
    found = file_document(config)
    for kind, key in (("rule", "rules"), ("receiver", "receivers")):
        names = stored.names(kind)
        for item in found[key]:
            if item["name"] in names:
                item["source"] = SOURCE
            elif kind == "receiver":
                item["source"] = "alerts.yml"
    return found


def kept(block: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """``block`` with each secret it leaves blank (or "set") taken from ``old``, entry by entry."""
    if old is None:
        return block
    result = dict(block)
    for key, secrets in SECRETS.items():
        before = old.get(key)
        if not (isinstance(result.get(key), list) and isinstance(before, list)):
            continue
        result[key] = [
            _kept_entry(entry, before[index] if index < len(before) else None, secrets)
            for index, entry in enumerate(result[key])
        ]
    return result


def shown(block: dict[str, Any]) -> dict[str, Any]:
    """``block`` with every secret it holds as "set"."""
    result = dict(block)
    for key, secrets in SECRETS.items():
        if isinstance(result.get(key), list):
            result[key] = [_masked(entry, secrets) for entry in result[key]]
    return result


def no_files(block: Any, where: str = "") -> None:
    """Refuse a ``*_file`` key anywhere: the scraper would read its host's file and send it."""
    if not isinstance(block, dict | list):
        return
    for key, value in block.items() if isinstance(block, dict) else enumerate(block):
        path = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and key.endswith("_file"):
            raise Refused(f"{path}: files on the scraper's host are for alerts.yml only")
        no_files(value, path)


def _kept_entry(entry: Any, before: Any, secrets: tuple[str, ...]) -> Any:
    if not (isinstance(entry, dict) and isinstance(before, dict)):
        return entry
    entry = dict(entry)
    for secret in secrets:
        if entry.get(secret) in (None, "", SET) and secret in before:
            entry[secret] = before[secret]
    for key, nested in NESTED_SECRETS.items():
        if isinstance(entry.get(key), dict):
            entry[key] = _kept_entry(entry[key], before.get(key), nested)
    return entry


def _masked(entry: Any, secrets: tuple[str, ...]) -> Any:
    if not isinstance(entry, dict):
        return entry
    entry = {key: SET if key in secrets and value else value for key, value in entry.items()}
    for key, nested in NESTED_SECRETS.items():
        if isinstance(entry.get(key), dict):
            entry[key] = _masked(entry[key], nested)
    return entry


class _Text(Reader):
    """A Reader of one block given as text (JSON, which YAML reads) instead of a file."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name)
        self._text = text

    def root(self) -> Node | None:
        return self._compose(self._text)


def _nodes(kind: str, block: dict[str, Any]) -> tuple[Reader, Node]:
    no_files(block)
    reader = _Text(kind, json.dumps(block, ensure_ascii=False))
    node = reader.root()
    assert node is not None  # a JSON object is never empty text
    return reader, node


def _check(reader: Reader) -> None:
    try:
        reader.check()
    except ConfigErrors as errors:
        # Positions in text the scraper wrote would mislead: the messages name the keys.
        raise Refused("; ".join(problem.message for problem in errors.problems)) from None

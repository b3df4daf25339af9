"""The scraper's side of the rules and receivers created in the browser or over the API: on
every alerting tick it reads them from the database, checks each proposal with alerts.yml's
readers (stored.py) and settles it, and rebuilds what is in force when an accepted one changed.

The reads and writes run in a worker thread; a database that cannot be read keeps the last
rules and receivers read."""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio.to_thread

from model.errors import StorageError
from scraper.alerts.model import AlertsConfig
from scraper.alerts.stored import (
    Refused,
    Stored,
    clash,
    kept,
    read_receiver,
    read_rule,
    shown,
)
from scraper.config.rules import quote
from storage import AlertingEntry, Storage

log = logging.getLogger(__name__)
Accepted = tuple[tuple[str, str, str], ...]  # kind, name, document


class Entries:
    def __init__(self, store: Storage) -> None:
        self._store = store
        self.stored = Stored()
        self._accepted: Accepted = ()

    async def refresh(self, config: AlertsConfig) -> bool:
        """Settle the pending proposals against alerts.yml's ``config``; True if the accepted
        rules and receivers changed (``stored`` then holds them)."""
        taken_any = False  # an accepted block counts as a change even if it is the same
        try:
            found = await anyio.to_thread.run_sync(self._store.entries)
            pending = [entry for entry in found if entry.proposed is not None]
            receivers = {e.name for e in found if e.kind == "receiver" and e.document}
            for entry in pending:  # receivers first, so a rule may name one proposed with it
                answer, taken = verdict(config, receivers, entry)
                if taken and entry.kind == "receiver":
                    receivers.add(entry.name)
                taken_any = taken_any or taken is not None
                await anyio.to_thread.run_sync(
                    self._store.settle_entry, entry, json.dumps(answer), taken
                )
            if pending:
                found = await anyio.to_thread.run_sync(self._store.entries)
        except StorageError as error:
            log.warning("stored rules and receivers not read, keeping the last ones: %s", error)
            return False
        accepted = tuple((e.kind, e.name, e.document) for e in found if e.document is not None)
        if accepted == self._accepted and not taken_any:
            return False
        self._accepted = accepted
        self.stored = built(found)
        return True


def verdict(
    config: AlertsConfig, receivers: set[str], entry: AlertingEntry
) -> tuple[dict[str, Any], tuple[str, str] | None]:
    """The answer to ``entry``'s proposal, and (document, shown) if it is accepted;
    ``receivers`` are the stored ones a rule may name, beside alerts.yml's."""
    old = json.loads(entry.document) if entry.document else None
    try:
        block = kept(_object(entry.proposed or ""), old)
        if refused := clash(config, entry.kind, entry.name):
            raise refused
        _check(config, receivers, entry, block)
    except Refused as refusal:
        return {"ok": False, "status": refusal.status, "detail": refusal.message}, None
    answer = {"ok": True, "status": 200, "detail": "accepted"}
    return answer, (json.dumps(block, ensure_ascii=False), json.dumps(shown(block)))


def built(found: list[AlertingEntry]) -> Stored:
    """The accepted blocks read again (each was accepted by the same readers)."""
    rules, receivers = [], []
    for entry in found:
        if entry.document is None:
            continue
        try:
            block = _object(entry.document)
            if entry.kind == "rule":
                rules.append(read_rule(block))
            else:
                receivers.append(read_receiver(block))
        except Refused as refusal:
            log.error("stored %s %s not used: %s", entry.kind, quote(entry.name), refusal)
    return Stored(tuple(rules), tuple(receivers))


def _check(
    config: AlertsConfig, receivers: set[str], entry: AlertingEntry, block: dict[str, Any]
) -> None:
    if entry.kind == "receiver":
        name = read_receiver(block).name
    else:
        rule, receiver = read_rule(block)
        name = rule.name
        known = sorted({r.name for r in config.receivers} | receivers)
        if receiver and receiver not in known:
            listed = ", ".join(known) or "none"
            raise Refused(f"receiver: no receiver {quote(receiver)} (receivers: {listed})")
    if name != entry.name:
        raise Refused(f"name: {quote(name)} is not the {entry.kind}'s name {quote(entry.name)}")


def _object(text: str) -> dict[str, Any]:
    try:
        block = json.loads(text)
    except ValueError:
        block = None
    if not isinstance(block, dict):
        raise Refused("expected a JSON object")
    return block

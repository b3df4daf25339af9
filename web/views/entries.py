"""Rules and receivers created in the browser or over the API (stored in the database).

The web app never reads alerts.yml, nor holds the code that reads it: it proposes a block in
alerts.yml's shape, a scraper checks it with alerts.yml's own readers and settles it, and the
web app waits for that verdict (as for a test notification). Secrets are write-only: the web app
shows only the ``shown`` block the scraper wrote, where each secret reads "set"; a changed
block sends a secret left blank (or "set") as it is, and the scraper keeps the stored one."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from model import clock
from model.rule_keys import RECEIVER_KEY
from storage import AlertingEntry, EntryKind, Storage
from web.http.errors import BadParameter, NotFound, WebError
from web.views import entry_forms
from web.views.alerting import POLL_S, InForce, NoAnswer

NAME_KEY: dict[EntryKind, str] = {"rule": "alert", "receiver": "name"}
MAX_NAME = 256
SOURCE = "browser"
REMOVED_WAIT_S = 3.0  # a deletion needs no check: the page may show it gone a tick late


class Refused(WebError):
    """A block the scraper refused: 400 (what is wrong, in alerts.yml's words) or 409."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = "conflict" if status == 409 else "bad_request"


def named(kind: EntryKind, name: str, body: Any) -> dict[str, Any]:
    """``body`` (a JSON object) as the block of the rule or receiver ``name``."""
    if not isinstance(body, dict):
        raise BadParameter("body", f"expected a JSON object: a {kind} block of alerts.yml")
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
        raise BadParameter(NAME_KEY[kind], f"expected a name of 1 to {MAX_NAME} characters")
    return {**body, NAME_KEY[kind]: name}


def new_name(kind: EntryKind, body: Any) -> str:
    name = body.get(NAME_KEY[kind]) if isinstance(body, dict) else None
    if not isinstance(name, str) or not name:
        raise BadParameter(NAME_KEY[kind], f"the {kind}'s name is required")
    return name


def stored(store: Storage, kind: EntryKind, name: str) -> AlertingEntry:
    """The accepted entry ``name``; NotFound if there is none (alerts.yml holds the others)."""
    found = store.entry(kind, name)
    if found is None or found.shown is None:
        raise NotFound(f"no {kind} {name!r} created in the browser (alerts.yml holds the others)")
    return found


def changed(entry: AlertingEntry, body: Any) -> dict[str, Any]:
    """The shown block with ``body``'s keys over it (its secrets "set": kept by the scraper)."""
    return named(entry.kind, entry.name, {**shown(entry), **named(entry.kind, entry.name, body)})


async def submit(
    store: Storage, kind: EntryKind, block: dict[str, Any], wait_s: float
) -> AlertingEntry:
    """Propose ``block`` and wait for a scraper's verdict: the accepted entry, or Refused."""
    name = block[NAME_KEY[kind]]
    before = await anyio.to_thread.run_sync(store.entry, kind, name)
    new = before is None or before.document is None
    await anyio.to_thread.run_sync(store.propose_entry, kind, name, json.dumps(block))
    with anyio.move_on_after(wait_s):
        while True:
            found = await anyio.to_thread.run_sync(store.entry, kind, name)
            if found is not None and found.proposed is None:
                settled = await anyio.to_thread.run_sync(_settled, store, found, new)
                await reported(store, settled.updated_ms, wait_s)
                return settled
            await anyio.sleep(POLL_S)
    await anyio.to_thread.run_sync(_withdraw, store, kind, name, new)
    raise NoAnswer(
        f"no scraper checked the {kind} within {wait_s:g}s: "
        "is hostwatch-scraper running on this database?"
    )


async def reported(store: Storage, since_ms: int, wait_s: float) -> None:
    """Wait (at most ``wait_s``) for a scraper's report of its alerting as of ``since_ms``, so
    the page shown next lists what was just changed."""
    with anyio.move_on_after(wait_s):
        while True:
            reports = await anyio.to_thread.run_sync(store.alerting_reports)
            if any(report.reported_ms >= since_ms for report in reports):
                return
            await anyio.sleep(POLL_S)


async def remove(store: Storage, kind: EntryKind, name: str) -> AlertingEntry:
    """Delete a stored rule or receiver (not one a stored rule sends to), then wait briefly
    for the scrapers to report it gone."""
    entry = await anyio.to_thread.run_sync(_removed, store, kind, name)
    await reported(store, clock.now_ms(), REMOVED_WAIT_S)
    return entry


def _removed(store: Storage, kind: EntryKind, name: str) -> AlertingEntry:
    entry = stored(store, kind, name)
    if kind == "receiver":
        users = [e.name for e in store.entries() if e.kind == "rule" and _sends_to(e, name)]
        if users:
            raise Refused(409, f"receiver {name!r} is named by rule {', '.join(users)}")
    store.remove_entry(kind, name)
    return entry


def listed(store: Storage, kind: EntryKind) -> list[dict[str, Any]]:
    """Every rule or receiver in force (alerts.yml's and the built-in ones as the scrapers
    report them, read-only), then those created in the browser with their block."""
    key = "rules" if kind == "rule" else "receivers"
    mine = [e for e in store.entries() if e.kind == kind and e.shown is not None]
    names = {e.name for e in mine}
    reported = getattr(InForce.of(store), key)
    files = [_reported(item) for item in reported if item["name"] not in names]
    return [*files, *(shape(e) for e in mine)]


def shape(entry: AlertingEntry) -> dict[str, Any]:
    return {"name": entry.name, "source": SOURCE, "block": shown(entry)}


def shown(entry: AlertingEntry) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(entry.shown or "{}")
    return found


def _reported(item: dict[str, Any]) -> dict[str, Any]:
    block = {key: value for key, value in item.items() if key not in ("name", "source")}
    return {"name": item["name"], "source": item.get("source", "alerts.yml"), "block": block}


def _settled(store: Storage, entry: AlertingEntry, new: bool) -> AlertingEntry:
    answer = json.loads(entry.verdict or "{}")
    if answer.get("ok"):
        return entry
    if new:
        store.remove_entry(entry.kind, entry.name)
    raise Refused(int(answer.get("status", 400)), str(answer.get("detail", "refused")))


def _withdraw(store: Storage, kind: EntryKind, name: str, new: bool) -> None:
    """No scraper answered: nothing proposed is left for one to accept later."""
    found = store.entry(kind, name)
    if found is None:
        return
    if new:
        store.remove_entry(kind, name)
    else:
        verdict = {"ok": False, "status": 504, "detail": "no scraper answered"}
        store.settle_entry(found, json.dumps(verdict), None)


def _sends_to(entry: AlertingEntry, receiver: str) -> bool:
    return shown(entry).get(RECEIVER_KEY) == receiver


@dataclass(frozen=True)
class Forms:
    """What the /alerts page's edit forms hold: each stored rule's fields and each stored
    receiver's integrations as YAML, secrets reading "set"."""

    rules: dict[str, dict[str, str]]
    receivers: dict[str, str]
    blank: dict[str, str] = dataclasses.field(default_factory=lambda: entry_forms.rule_form({}))

    @classmethod
    def of(cls, store: Storage) -> Forms:
        found = [e for e in store.entries() if e.shown is not None]
        return cls(
            {e.name: entry_forms.rule_form(shown(e)) for e in found if e.kind == "rule"},
            {e.name: entry_forms.receiver_form(shown(e)) for e in found if e.kind == "receiver"},
        )

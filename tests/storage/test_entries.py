"""Rules and receivers created in the browser, as rows on both backends: a proposal awaits a
scraper's verdict, an accepted block replaces the one in force, and a verdict on a proposal
that a newer one replaced meanwhile changes nothing."""

from __future__ import annotations

import itertools
import json

from storage import Storage

BLOCK = json.dumps({"name": "chat", "slack_configs": [{"api_url": "https://x/T/B/SECRET"}]})
SHOWN = json.dumps({"name": "chat", "slack_configs": [{"api_url": "set"}]})
ACCEPTED = json.dumps({"ok": True, "status": 200, "detail": "accepted"})


def test_a_proposal_accepted_is_the_block_in_force_with_its_shown_form(store: Storage) -> None:
    store.propose_entry("receiver", "chat", BLOCK)
    pending = store.entry("receiver", "chat")
    assert pending is not None
    assert (pending.proposed, pending.document) == (BLOCK, None)

    assert store.settle_entry(pending, ACCEPTED, (BLOCK, SHOWN)) is True

    settled = store.entry("receiver", "chat")
    assert settled is not None
    assert (settled.document, settled.shown, settled.proposed, settled.verdict) == (
        BLOCK,
        SHOWN,
        None,
        ACCEPTED,
    )


def test_a_verdict_on_a_proposal_replaced_meanwhile_changes_nothing(database_url: str) -> None:
    ticks = itertools.count(1000)
    store = Storage.open(database_url, clock=lambda: next(ticks))  # each proposal its own ms
    store.upgrade()
    store.propose_entry("rule", "Hot", json.dumps({"alert": "Hot"}))
    first = store.entry("rule", "Hot")
    store.propose_entry("rule", "Hot", json.dumps({"alert": "Hot", "metric": "up"}))

    assert first is not None
    assert store.settle_entry(first, ACCEPTED, ("{}", "{}")) is False
    found = store.entry("rule", "Hot")
    store.close()
    assert found is not None
    assert (found.document, found.proposed) == (None, json.dumps({"alert": "Hot", "metric": "up"}))


def test_entries_list_receivers_before_rules_and_a_removed_one_is_gone(store: Storage) -> None:
    store.propose_entry("rule", "A", "{}")
    store.propose_entry("receiver", "z", "{}")
    store.propose_entry("receiver", "b", "{}")

    assert store.remove_entry("receiver", "z") is True
    assert store.remove_entry("receiver", "z") is False
    assert [(e.kind, e.name) for e in store.entries()] == [("receiver", "b"), ("rule", "A")]

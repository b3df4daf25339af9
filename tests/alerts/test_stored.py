"""Rules and receivers created in the browser or over the API: each proposal checked by
alerts.yml's own readers, accepted ones merged over the file's on the next alerting tick (no
restart), a file's name refused with 409, and secrets write-only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scraper.alerts.config import load
from scraper.alerts.entries import verdict
from storage import AlertingEntry, EntryKind, Storage
from tests.alerts.receivers import Hook
from tests.alerts.scrapes import now_ms, scrape
from tests.alerts.test_notifier import until
from tests.alerts.test_service import alerts_file, running, service

pytestmark = pytest.mark.anyio
SLACK = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"


def entry(kind: EntryKind, name: str, block: dict[str, Any], old: Any = None) -> AlertingEntry:
    document = json.dumps(old) if old else None
    return AlertingEntry(kind, name, document, None, json.dumps(block), 1, None, 1, 1)


def answer(alerts_file: Path, proposed: AlertingEntry) -> dict[str, Any]:
    return verdict(load(alerts_file), set(), proposed)[0]


async def test_a_stored_rule_fires_on_a_scrape_and_notifies_the_stored_receiver_it_names(
    alerts_file: Path, store: Storage, hook: Hook
) -> None:
    alerting = service(alerts_file, store)
    async with running(alerting):
        store.propose_entry(
            "receiver",
            "pager",
            json.dumps({"name": "pager", "webhook_configs": [{"url": f"{hook.url}/pager"}]}),
        )
        rule = {
            "alert": "LoadVeryHigh",
            "metric": "node_load1",
            "threshold": 8,
            "receiver": "pager",
        }
        store.propose_entry("rule", "LoadVeryHigh", json.dumps(rule))
        await alerting.step()  # the proposals are accepted on the tick, without a restart
        alerting.observe(scrape([("node_load1", 9.5)], t=now_ms()))
        await until(lambda: bool(hook.posts))
    posted = hook.posts[0]

    assert (posted["receiver"], posted["alerts"][0]["labels"]["alertname"]) == (
        "pager",
        "LoadVeryHigh",
    )
    assert [e.verdict and json.loads(e.verdict)["ok"] for e in store.entries()] == [True, True]


def test_a_rule_is_refused_in_the_words_alerts_yml_gets(alerts_file: Path) -> None:
    block = {"alert": "Hot", "metric": "node_load1", "threshold": "high", "for": "soon"}

    found = answer(alerts_file, entry("rule", "Hot", block))

    assert found["status"] == 400
    assert 'threshold: expected a number, got "high"' in found["detail"]
    assert 'for: expected a duration like 30s, 2m or 1h30m, got "soon"' in found["detail"]


def test_a_name_alerts_yml_holds_is_refused_with_409_naming_the_file(alerts_file: Path) -> None:
    found = answer(alerts_file, entry("receiver", "ops", {"name": "ops"}))

    assert found == {
        "ok": False,
        "status": 409,
        "detail": f'receiver "ops" is already defined in {alerts_file}: edit it there',
    }


def test_a_file_key_is_refused_since_the_scraper_would_send_its_host_s_file(
    alerts_file: Path,
) -> None:
    block = {"name": "tg", "telegram_configs": [{"bot_token_file": "/etc/shadow", "chat_id": 1}]}

    found = answer(alerts_file, entry("receiver", "tg", block))

    assert (found["status"], found["detail"]) == (
        400,
        "telegram_configs.0.bot_token_file: files on the scraper's host are for alerts.yml only",
    )


def test_a_secret_left_blank_keeps_the_stored_one_and_is_shown_as_set(alerts_file: Path) -> None:
    old = {"name": "chat", "slack_configs": [{"api_url": SLACK, "channel": "#ops"}]}
    changed = {"name": "chat", "slack_configs": [{"api_url": "", "channel": "#alerts"}]}

    _, accepted = verdict(load(alerts_file), set(), entry("receiver", "chat", changed, old))

    assert accepted is not None
    document, shown = (json.loads(text) for text in accepted)
    assert document["slack_configs"] == [{"api_url": SLACK, "channel": "#alerts"}]
    assert shown["slack_configs"] == [{"api_url": "set", "channel": "#alerts"}]


__all__ = ["alerts_file"]


def test_a_name_a_rule_group_of_alerts_yml_holds_is_refused_with_409(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yml"
    path.write_text(
        "groups:\n"
        "  - name: host\n"
        "    rules:\n"
        "      - alert: HostOutOfMemory\n"
        "        expr: node_memory_MemAvailable_bytes < 1\n"
    )
    block = {"alert": "HostOutOfMemory", "metric": "node_load1", "op": ">", "threshold": 1}

    found = answer(path, entry("rule", "HostOutOfMemory", block))

    assert (found["status"], found["detail"]) == (
        409,
        f'rule "HostOutOfMemory" is already defined in {path}: edit it there',
    )

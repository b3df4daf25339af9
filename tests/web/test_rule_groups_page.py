"""/alerts lists the rule groups a scraper reports: each group's name and interval, each rule's
expression, for, keep_firing_for and labels, and which rules record series."""

from __future__ import annotations

import json
import re
from pathlib import Path

from starlette.testclient import TestClient

from scraper.alerts.config import load
from scraper.alerts.summary import document
from storage import AlertingReport, Storage
from tests.web.conftest import SETTINGS
from web.app import create_app

EXPR = "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10"
GROUPS = f"""\
groups:
  - name: node-exporter
    interval: 2m
    rules:
      - alert: HostOutOfMemory
        expr: {EXPR}
        for: 2m
        keep_firing_for: 5m
        labels:
          severity: warning
"""


def test_the_alerts_page_lists_each_rule_group_with_its_rules(
    tmp_path: Path, store: Storage
) -> None:
    path = tmp_path / "alerts.yml"
    path.write_text(GROUPS)
    text = json.dumps(document(load(path)))
    store.report_alerting(AlertingReport("0/1", text, 0))
    with TestClient(create_app(store, SETTINGS)) as client:
        page = client.get("/alerts").text

    assert re.search(r'data-group="node-exporter">Rule group node-exporter .*every 2m', page)
    row = re.search(r'<tr data-rule="HostOutOfMemory">.*?</tr>', page, re.S)
    assert row is not None
    assert f"<code>{EXPR.replace('<', '&lt;')}</code>" in row.group()
    assert re.search(r'data-role="for">2m<.*data-role="keep">5m<', row.group(), re.S)
    assert 'severity="warning"' in row.group()


def test_the_alerts_page_marks_a_recording_rule_as_one(tmp_path: Path, store: Storage) -> None:
    path = tmp_path / "alerts.yml"
    recording = "      - record: instance:memory:ratio\n        expr: node_memory_MemTotal_bytes\n"
    path.write_text(GROUPS + recording)
    store.report_alerting(AlertingReport("0/1", json.dumps(document(load(path))), 0))
    with TestClient(create_app(store, SETTINGS)) as client:
        page = client.get("/alerts").text

    rows = dict(re.findall(r'<tr data-rule="([^"]+)"><td>(.*?)</td>', page))
    assert {name: rows[name] for name in ("HostOutOfMemory", "instance:memory:ratio")} == {
        "HostOutOfMemory": "HostOutOfMemory",
        "instance:memory:ratio": 'instance:memory:ratio <span class="note" data-role="record">'
        "recorded series</span>",
    }


def test_the_summary_document_holds_the_groups_rules(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yml"
    path.write_text(GROUPS)

    assert document(load(path))["groups"] == [
        {
            "name": "node-exporter",
            "interval_s": 120.0,
            "limit": 0,
            "rules": [
                {
                    "name": "HostOutOfMemory",
                    "expr": EXPR,
                    "record": False,
                    "for_s": 120.0,
                    "keep_firing_for_s": 300.0,
                    "labels": {"severity": "warning"},
                }
            ],
        }
    ]

"""Chat and paging receivers in alerts.yml: Alertmanager's blocks read as they are, secrets
from files and never in a repr, and what hostwatch cannot honour refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.alerts.config import load
from scraper.alerts.model import Channel
from tests.alerts.test_config import problems, write

# As in an alertmanager.yml.
COPIED = """\
receivers:
  - name: team
    slack_configs:
      - api_url: https://hooks.slack.com/services/T000/B000/XXXX
        channel: "#ops"
        send_resolved: true
    telegram_configs:
      - bot_token_file: telegram.token
        chat_id: -1001234567890
        parse_mode: HTML
    pagerduty_configs:
      - routing_key: 0123456789abcdef0123456789abcdef
        severity: critical
route:
  receiver: team
"""


SECRETS = ("XXXX", "123456:ABC", "0123456789abcdef", "-1001234567890")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def channels(text: str) -> tuple[Channel, ...]:
    return load(write(text)).receivers[0].channels


def test_a_receiver_copied_from_alertmanager_reads_as_it_is() -> None:
    Path("telegram.token").write_text("123456:ABC\n")

    slack, telegram, pagerduty = channels(COPIED)

    assert (slack.kind, slack.url, slack.option("channel")) == (
        "slack",
        "https://hooks.slack.com/services/T000/B000/XXXX",
        "#ops",
    )
    assert (telegram.url, telegram.secret, telegram.recipient) == (
        "https://api.telegram.org",
        "123456:ABC",
        "-1001234567890",
    )
    assert (pagerduty.url, pagerduty.option("severity")) == (
        "https://events.pagerduty.com/v2/enqueue",
        "critical",
    )


def test_no_secret_shows_in_the_configs_repr() -> None:
    Path("telegram.token").write_text("123456:ABC\n")

    shown = repr(load(write(COPIED)))

    assert [secret for secret in SECRETS if secret in shown] == []


def test_a_go_template_key_is_refused_by_name() -> None:
    text = "receivers:\n  - name: t\n    slack_configs:\n      - api_url: https://x.example\n"
    assert problems(text + "        text: '{{ .CommonAnnotations.summary }}'\n") == [
        'alerts.yml:5:9: key "text" is not supported by hostwatch'
    ]


def test_a_missing_chat_id_is_named() -> None:
    text = "receivers:\n  - name: t\n    telegram_configs:\n      - bot_token: x\n"
    assert problems(text) == ['alerts.yml:4:9: missing required key "chat_id"']


def test_a_secret_and_its_file_together_are_refused() -> None:
    text = (
        "receivers:\n  - name: t\n    gotify_configs:\n      - url: https://g.example\n"
        "        token: a\n        token_file: b\n"
    )
    assert problems(text) == ["alerts.yml:6:21: set token or token_file, not both"]


def test_a_priority_outside_the_services_range_is_refused() -> None:
    text = "receivers:\n  - name: t\n    ntfy_configs:\n      - topic: a\n        priority: '9'\n"
    assert problems(text) == ['alerts.yml:5:19: priority: expected one of 1, 2, 3, 4, 5, got "9"']

"""Prometheus rule groups in the alerting service, on real storage: states, keep_firing_for,
silences, depends_on, intervals, failures, and a bad expression refused with its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.matchers import Matcher
from scraper.alerts.config import load
from scraper.alerts.service import AlertService
from scraper.telemetry import Telemetry
from storage import Silence, Storage
from tests.alerts.scrapes import MINUTE, T0, scrape

pytestmark = pytest.mark.anyio
GROUP = """\
groups:
  - name: host
    interval: {interval}
    rules:
      - alert: LoadHigh
        expr: node_load1 > 4
        for: {wait}
        keep_firing_for: {keep}
        labels:
          severity: page
        annotations:
          summary: "{{{{ $labels.instance }}}} load is {{{{ $value }}}}"
"""


def alerts_file(tmp_path: Path, interval: str = "1m", wait: str = "2m", keep: str = "0s") -> Path:
    path = tmp_path / "alerts.yml"
    path.write_text(GROUP.format(interval=interval, wait=wait, keep=keep))
    return path


def load_at(store: Storage, minute: int, load: float, **extra: str) -> None:
    store.write([scrape([("node_load1", load)], t=T0 + minute * MINUTE, **extra)])


async def states(service: AlertService, minutes: range) -> list[str]:
    """LoadHigh's state after the round at each minute ("" while it has no alert)."""
    found: list[str] = []
    for minute in minutes:
        await service.step(now_ms=T0 + minute * MINUTE)
        alerts = [a for a in service.evaluator.alerts if a.rule == "LoadHigh"]
        found.append(alerts[0].state if alerts else "")
    return found


def service(path: Path, store: Storage, telemetry: Telemetry | None = None) -> AlertService:
    return AlertService(load(path), store, telemetry or Telemetry(), lambda: 0.0)


async def test_a_group_rule_is_pending_until_its_for_has_passed_then_fires(
    tmp_path: Path, store: Storage
) -> None:
    for minute, value in enumerate([1, 9, 9, 9, 9, 1]):
        load_at(store, minute, value)
    found = await states(service(alerts_file(tmp_path), store), range(6))
    assert found == ["", "pending", "pending", "firing", "firing", "resolved"]


async def test_a_group_alert_has_the_series_labels_the_rules_labels_and_templated_annotations(
    tmp_path: Path, store: Storage
) -> None:
    load_at(store, 0, 9.5)
    alerting = service(alerts_file(tmp_path, wait="0s"), store)
    await alerting.step(now_ms=T0)
    (alert,) = alerting.evaluator.alerts
    assert dict(alert.labels) == {
        "alertname": "LoadHigh",
        "instance": "web1:9100",
        "job": "node",
        "severity": "page",
    }
    assert dict(alert.annotations) == {"summary": "web1:9100 load is 9.5"}
    assert (alert.state, alert.value) == ("firing", 9.5)


async def test_keep_firing_for_keeps_an_alert_firing_after_its_expression_stops_returning_it(
    tmp_path: Path, store: Storage
) -> None:
    for minute, value in enumerate([9, 1, 1, 1, 1]):
        load_at(store, minute, value)
    alerting = service(alerts_file(tmp_path, wait="0s", keep="3m"), store)
    found = await states(alerting, range(5))
    assert found == ["firing", "firing", "firing", "firing", "resolved"]


async def test_an_evaluation_reuses_the_expression_parsed_when_the_file_was_read(
    tmp_path: Path, store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    alerting = service(alerts_file(tmp_path, wait="0s"), store)
    load_at(store, 0, 9)

    def parse_again(query: str) -> None:
        raise AssertionError(f"parsed {query!r} again")

    monkeypatch.setattr("promql.engine.parse", parse_again)
    assert await states(alerting, range(1)) == ["firing"]


async def test_a_group_is_evaluated_on_its_own_interval(tmp_path: Path, store: Storage) -> None:
    for minute in range(4):
        load_at(store, minute, 1 if minute == 0 else 9)
    found = await states(service(alerts_file(tmp_path, "2m", wait="0s"), store), range(4))
    assert found == ["", "", "firing", "firing"]  # rounds at 0 and 2m only


async def test_a_silence_mutes_a_group_rules_alert(tmp_path: Path, store: Storage) -> None:
    matchers = (Matcher("alertname", "=", "LoadHigh"),)
    store.add_silence(Silence(0, matchers, 0, T0 + 10**9, "", "ops", 0))
    load_at(store, 0, 9)
    telemetry = Telemetry()
    await service(alerts_file(tmp_path, wait="0s"), store, telemetry).step(now_ms=T0)
    silenced = {"alertname": "LoadHigh", "state": "silenced"}
    assert telemetry.registry.get_sample_value("hostwatch_alerts", silenced) == 1


async def test_a_group_alert_is_suppressed_while_the_target_it_depends_on_is_down(
    tmp_path: Path, store: Storage
) -> None:
    load_at(store, 0, 9, depends_on="router:9100")
    alerting = service(alerts_file(tmp_path, wait="0s"), store)
    alerting.observe(scrape(t=T0, instance="router:9100", error="connection refused"))
    await alerting.step(now_ms=T0)
    assert [(a.rule, a.suppressed) for a in alerting.evaluator.alerts if a.rule == "LoadHigh"] == [
        ("LoadHigh", True)
    ]


async def test_a_failing_rule_is_counted_and_the_groups_other_rules_still_run(
    tmp_path: Path, store: Storage
) -> None:
    path = alerts_file(tmp_path, wait="0s")
    failing = "      - alert: Clash\n        expr: node_load1 + on () node_load1\n"
    path.write_text(path.read_text().replace("    rules:\n", "    rules:\n" + failing))
    load_at(store, 0, 9)
    load_at(store, 0, 9, instance="web2:9100")
    telemetry = Telemetry()
    alerting = service(path, store, telemetry)
    await alerting.step(now_ms=T0)
    failures = {"group": "host"}
    assert (
        telemetry.registry.get_sample_value("hostwatch_rule_evaluation_failures_total", failures)
        == 1
    )
    assert sorted(dict(a.labels)["instance"] for a in alerting.evaluator.alerts) == [
        "web1:9100",
        "web2:9100",
    ]


async def test_a_reload_with_a_bad_expression_keeps_the_previous_rules_and_says_where(
    tmp_path: Path, store: Storage
) -> None:
    path = alerts_file(tmp_path, wait="0s")
    alerting = service(path, store)
    path.write_text(path.read_text().replace("node_load1 > 4", "rate(node_load1 > 4"))
    load_at(store, 0, 9)
    await alerting.step(now_ms=T0)
    assert alerting.last_error == f"{path}:6:19: expr: parse error: unclosed left parenthesis"
    assert [a.rule for a in alerting.evaluator.alerts] == ["LoadHigh"]


async def test_a_rule_over_its_groups_limit_fails_and_makes_no_alerts(
    tmp_path: Path, store: Storage
) -> None:
    path = alerts_file(tmp_path, wait="0s")
    path.write_text(path.read_text().replace("    rules:\n", "    limit: 1\n    rules:\n"))
    load_at(store, 0, 9)
    load_at(store, 0, 9, instance="web2:9100")
    telemetry = Telemetry()
    alerting = service(path, store, telemetry)
    await alerting.step(now_ms=T0)
    failures = {"group": "host"}
    failed = telemetry.registry.get_sample_value(
        "hostwatch_rule_evaluation_failures_total", failures
    )
    assert (failed, alerting.evaluator.alerts) == (1, [])

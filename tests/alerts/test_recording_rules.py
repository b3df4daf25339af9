"""Recording rules in the alerting service, on real storage: what they store, under which
name and labels, that a later rule of the group reads it in the same round, and Prometheus's
refusals of a result (a repeated label set, a group's limit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from promql import Engine
from scraper.alerts.config import load
from scraper.alerts.service import AlertService
from scraper.telemetry import Telemetry
from storage import Storage
from tests.alerts.scrapes import T0, scrape

pytestmark = pytest.mark.anyio
FAILURES = "hostwatch_rule_evaluation_failures_total"


def loads(store: Storage, **by_instance: float) -> None:
    """node_load1 and node_load5 of each instance (``web1=2.0``: web1:9100) at T0."""
    for host, value in by_instance.items():
        samples = [("node_load1", value), ("node_load5", value / 2)]
        store.write([scrape(samples, t=T0, instance=f"{host}:9100")])


async def step(
    tmp_path: Path, store: Storage, rules: str, telemetry: Telemetry, limit: int = 0
) -> AlertService:
    """One round of a service whose group ``g`` holds ``rules`` (and ``limit``)."""
    path = tmp_path / "alerts.yml"
    path.write_text(f"groups:\n  - name: g\n    limit: {limit}\n    rules:\n" + rules)
    service = AlertService(load(path), store, telemetry, lambda: 0.0)
    await service.step(now_ms=T0)
    return service


def series(store: Storage, query: str) -> dict[tuple[tuple[str, str], ...], float]:
    """What the PromQL engine reads of ``query`` at T0: each series' labels and value."""
    value = Engine(store).instant(query, T0).value
    assert isinstance(value, list)
    return {s.labels: float(s.values[0]) for s in value if s.present[0]}


async def test_a_recording_rule_stores_its_result_named_for_the_rule_with_the_rules_labels(
    tmp_path: Path, store: Storage
) -> None:
    loads(store, web1=1.5, web2=3.0)
    rules = """\
      - record: instance:node_load1:doubled
        expr: node_load1 * 2
        labels:
          tier: web
"""
    await step(tmp_path, store, rules, Telemetry())
    assert series(store, "instance:node_load1:doubled") == {
        (
            ("__name__", "instance:node_load1:doubled"),
            ("instance", f"{host}:9100"),
            ("job", "node"),
            ("tier", "web"),
        ): value
        for host, value in (("web1", 3.0), ("web2", 6.0))
    }


async def test_a_later_rule_reads_what_an_earlier_rule_recorded_in_the_same_round(
    tmp_path: Path, store: Storage
) -> None:
    loads(store, web1=9.0, web2=1.0)
    record = "      - record: instance:load:max\n        expr: max by (instance) (node_load1)\n"
    rules = record + "      - alert: LoadHigh\n        expr: instance:load:max > 4\n"
    service = await step(tmp_path, store, rules, Telemetry())
    assert [(dict(a.labels), a.state, a.value) for a in service.evaluator.alerts] == [
        ({"alertname": "LoadHigh", "instance": "web1:9100"}, "firing", 9.0)
    ]


async def test_a_scalar_result_is_recorded_as_a_series_without_labels(
    tmp_path: Path, store: Storage
) -> None:
    rules = "      - record: hostwatch:answer\n        expr: 6 * 7\n"
    await step(tmp_path, store, rules, Telemetry())
    assert series(store, "hostwatch:answer") == {(("__name__", "hostwatch:answer"),): 42.0}


async def test_a_rule_label_with_an_empty_value_removes_that_label(
    tmp_path: Path, store: Storage
) -> None:
    loads(store, web1=2.0)
    rules = '      - record: load\n        expr: node_load1\n        labels:\n          job: ""\n'
    await step(tmp_path, store, rules, Telemetry())
    assert series(store, "load") == {(("__name__", "load"), ("instance", "web1:9100")): 2.0}


async def test_a_result_whose_series_differ_only_by_name_fails_and_stores_nothing(
    tmp_path: Path, store: Storage
) -> None:
    loads(store, web1=2.0)
    rules = "      - record: load\n        expr: '{__name__=~\"node_load1|node_load5\"}'\n"
    telemetry = Telemetry()
    await step(tmp_path, store, rules, telemetry)
    failed = telemetry.registry.get_sample_value(FAILURES, {"group": "g"})
    assert (failed, series(store, "load")) == (1, {})


async def test_a_result_over_the_groups_limit_fails_and_stores_nothing(
    tmp_path: Path, store: Storage
) -> None:
    loads(store, web1=2.0, web2=3.0)
    rules = "      - record: load\n        expr: node_load1\n"
    telemetry = Telemetry()
    await step(tmp_path, store, rules, telemetry, limit=1)
    failed = telemetry.registry.get_sample_value(FAILURES, {"group": "g"})
    assert (failed, series(store, "load")) == (1, {})

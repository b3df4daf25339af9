"""Rule groups evaluated by the PromQL engine on their intervals, reading storage as the
/prometheus API does. Each group runs in a worker thread (a heavy query never holds up the
event loop), bounded by the engine's limits and by its own interval as the query timeout; a
rule that fails is logged and counted, and the group's other rules still run."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

import anyio
import anyio.to_thread

from model.errors import PromQLError, StorageError
from promql import Engine, EngineLimits
from promql.values import Scalar
from scraper.alerts.alert import Instance, group_instance
from scraper.alerts.evaluator import Evaluator
from scraper.alerts.model import GroupRule, RuleGroup
from scraper.telemetry import Telemetry
from storage import Storage

log = logging.getLogger(__name__)
Outcome = tuple[GroupRule, list[Instance] | None]  # None: the evaluation failed


class GroupRunner:
    def __init__(self, store: Storage, telemetry: Telemetry, limits: EngineLimits) -> None:
        self._store = store
        self._telemetry = telemetry
        self._limits = limits
        self._next_ms: dict[str, int] = {}

    async def run_due(self, groups: Sequence[RuleGroup], evaluator: Evaluator, now_ms: int) -> None:
        """Evaluate the groups whose interval has passed at ``now_ms``, side by side, then hand
        each rule's result to the evaluator in file order."""
        due = [group for group in groups if self._next_ms.get(group.name, now_ms) <= now_ms]
        outcomes: dict[str, list[Outcome]] = {}

        async def evaluate(group: RuleGroup) -> None:
            outcomes[group.name] = await anyio.to_thread.run_sync(self.evaluate, group, now_ms)

        async with anyio.create_task_group() as tasks:
            for group in due:
                tasks.start_soon(evaluate, group)
        for group in due:
            self._next_ms[group.name] = now_ms + round(group.interval_s * 1000)
            for rule, found in outcomes[group.name]:
                if found is not None:
                    evaluator.apply(rule, found, now_ms)

    def evaluate(self, group: RuleGroup, now_ms: int) -> list[Outcome]:
        """Each rule's alerts at ``now_ms`` (runs in a worker thread)."""
        engine = Engine(self._store, _bounded(self._limits, group.interval_s))
        outcomes: list[Outcome] = []
        for rule in group.rules:
            try:
                outcomes.append((rule, _instances(engine, rule, group.limit, now_ms)))
            except (PromQLError, StorageError) as error:
                log.error("rule %s of group %s failed: %s", rule.name, group.name, error)
                self._telemetry.rule_failures.labels(group.name).inc()
                outcomes.append((rule, None))
        return outcomes


def _bounded(limits: EngineLimits, interval_s: float) -> EngineLimits:
    """The limits, with a timeout no longer than the group's interval: a round never runs into
    the next one."""
    return dataclasses.replace(limits, timeout_s=min(limits.timeout_s, interval_s))


def _instances(engine: Engine, rule: GroupRule, limit: int, now_ms: int) -> list[Instance]:
    value = engine.instant(rule.expr, now_ms).value
    if isinstance(value, Scalar):  # Prometheus alerts on a scalar as one series without labels
        return [group_instance(rule, (), float(value.values[0]))]
    if not isinstance(value, list):
        raise PromQLError(f"the expression gives a {type(value).__name__.lower()}, not a vector")
    found = [
        group_instance(rule, series.labels, float(series.values[0]))
        for series in value
        if series.present[0]
    ]
    if len({instance.labels for instance in found}) < len(found):
        raise PromQLError(
            "vector contains metrics with the same labelset after applying alert labels",
            "execution",
        )
    if limit and len(found) > limit:
        raise PromQLError(f"exceeded limit of {limit} with {len(found)} alerts", "execution")
    return found

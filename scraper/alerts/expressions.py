"""Rule groups evaluated by the PromQL engine on their intervals, reading storage as the
/prometheus API does. Each group runs in a worker thread (a heavy query never holds up the
event loop), bounded by the engine's limits and by its own interval as the query timeout; a
rule that fails is logged and counted, and the group's other rules still run.

A group's rules run in order. A recording rule's samples are stored before the next rule runs,
so a later rule reads them at the same evaluation time, as Prometheus commits each rule's
samples before the next. They are written straight to storage (``Storage.backfill``: samples
of no scrape, no target's health), not through the write buffer, whose write-behind would hide
them from the next rule; while the database is down the rules cannot read anything either."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

import anyio
import anyio.to_thread

from model.errors import PromQLError, StorageError
from model.samples import Labels, Sample
from promql import Engine, EngineLimits
from promql.values import NAME, Scalar
from scraper.alerts.alert import Instance, group_instance
from scraper.alerts.evaluator import Evaluator
from scraper.alerts.model import GroupRule, RecordingRule, RuleGroup
from scraper.telemetry import Telemetry
from storage import Storage

log = logging.getLogger(__name__)
Outcome = tuple[GroupRule, list[Instance]]
Point = tuple[Labels, float]  # one series of a rule's result: its labels and value


class GroupRunner:
    def __init__(self, store: Storage, telemetry: Telemetry, limits: EngineLimits) -> None:
        self._store = store
        self._telemetry = telemetry
        self._limits = limits
        self._next_ms: dict[str, int] = {}

    async def run_due(self, groups: Sequence[RuleGroup], evaluator: Evaluator, now_ms: int) -> None:
        """Evaluate the groups whose interval has passed at ``now_ms``, side by side, then hand
        each alerting rule's result to the evaluator in file order."""
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
                evaluator.apply(rule, found, now_ms)

    def evaluate(self, group: RuleGroup, now_ms: int) -> list[Outcome]:
        """Each recording rule's samples stored, and each alerting rule's alerts, at ``now_ms``
        (runs in a worker thread); a rule that failed has no outcome."""
        engine = Engine(self._store, _bounded(self._limits, group.interval_s))
        outcomes: list[Outcome] = []
        for rule in group.rules:
            try:
                if isinstance(rule, RecordingRule):
                    self._store.backfill(_recorded(engine, rule, group.limit, now_ms))
                else:
                    outcomes.append((rule, _instances(engine, rule, group.limit, now_ms)))
            except (PromQLError, StorageError) as error:
                log.error("rule %s of group %s failed: %s", rule.name, group.name, error)
                self._telemetry.rule_failures.labels(group.name).inc()
        return outcomes


def _bounded(limits: EngineLimits, interval_s: float) -> EngineLimits:
    """The limits, with a timeout no longer than the group's interval: a round never runs into
    the next one."""
    return dataclasses.replace(limits, timeout_s=min(limits.timeout_s, interval_s))


def _points(engine: Engine, rule: GroupRule | RecordingRule, now_ms: int) -> list[Point]:
    """The rule's result at ``now_ms`` as Prometheus's rule manager takes it: a vector's series,
    or a scalar as one series without labels."""
    value = engine.instant(rule.expr.tree, now_ms).value
    if isinstance(value, Scalar):
        return [((), float(value.values[0]))]
    if not isinstance(value, list):
        raise PromQLError(f"the expression gives a {type(value).__name__.lower()}, not a vector")
    return [(series.labels, float(series.values[0])) for series in value if series.present[0]]


def _instances(engine: Engine, rule: GroupRule, limit: int, now_ms: int) -> list[Instance]:
    found = [group_instance(rule, labels, value) for labels, value in _points(engine, rule, now_ms)]
    _check([instance.labels for instance in found], limit, "alerts")
    return found


def _recorded(engine: Engine, rule: RecordingRule, limit: int, now_ms: int) -> list[Sample]:
    """The samples a recording rule stores at ``now_ms``: each result series renamed to the
    rule's name, the rule's labels over its own (an empty value removes the label)."""
    found: list[Sample] = []
    for labels, value in _points(engine, rule, now_ms):
        merged = {**dict(labels), **dict(rule.labels)}
        kept = tuple(sorted((k, v) for k, v in merged.items() if v and k != NAME))
        found.append(Sample(rule.name, kept, value, now_ms))
    _check([sample.labels for sample in found], limit, "series")
    return found


_APPLIED = {"alerts": "alert labels", "series": "rule labels"}


def _check(label_sets: Sequence[Labels], limit: int, made: str) -> None:
    """Prometheus's refusals of a rule's result (``made``: alerts or series): two with one label
    set once the rule's labels are applied, or more than the group's ``limit``."""
    if len(set(label_sets)) < len(label_sets):
        raise PromQLError(
            f"vector contains metrics with the same labelset after applying {_APPLIED[made]}",
            "execution",
        )
    if limit and len(label_sets) > limit:
        raise PromQLError(f"exceeded limit of {limit} with {len(label_sets)} {made}", "execution")

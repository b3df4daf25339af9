"""Rule evaluation: every alert's state, inactive -> pending -> firing -> resolved.

Everything here is in memory and synchronous, so the scrape loops can call :meth:`observe`
after each scrape without waiting on anything; what changed is collected for the service to
store (:meth:`drain`) on its own schedule.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence

from model.health import TargetHealth, advance
from model.samples import Labels
from scraper.alerts.alert import Instance, alert_annotations, alert_fingerprint, alert_labels
from scraper.alerts.derived import Deriver, Reading, sources
from scraper.alerts.model import GroupRule, Rule, RuleGroup
from storage import Alert, AlertEvent, AlertState, ScrapeRecord

Scope = tuple[str, str, str]  # rule, job, instance
Changes = tuple[list[Alert], list[str], list[AlertEvent]]


def _scope(rule: str, labels: Labels) -> Scope:
    found = dict(labels)
    return rule, found.get("job", ""), found.get("instance", "")


class Evaluator:
    def __init__(
        self,
        rules: Sequence[Rule],
        alerts: Iterable[Alert] = (),
        groups: Sequence[RuleGroup] = (),
    ) -> None:
        self._alerts: dict[str, Alert] = {}
        self._scopes: defaultdict[Scope, set[str]] = defaultdict(set)
        self._changed: set[str] = set()
        self._removed: set[str] = set()
        self._events: list[AlertEvent] = []
        self._targets: dict[str, TargetHealth] = {}
        self._deriver = Deriver()
        self._grouped: dict[str, GroupRule] = {}
        # When each firing group alert was first missing from its rule's result (keep_firing_for).
        self._missing_since: dict[str, int] = {}
        for alert in alerts:
            self._put(alert)
        self._changed.clear()
        self.rules: tuple[Rule, ...] = ()
        self._sources: frozenset[str] = frozenset()
        self.set_rules(rules, 0, groups)

    @property
    def alerts(self) -> list[Alert]:
        return list(self._alerts.values())

    def set_rules(
        self, rules: Sequence[Rule], now_ms: int, groups: Sequence[RuleGroup] = ()
    ) -> None:
        """Evaluate ``rules`` (and take the results of the ``groups``' rules) from now on;
        alerts of rules that went away resolve."""
        self.rules, self._sources = tuple(rules), sources({rule.metric for rule in rules})
        self._grouped = {rule.name: rule for group in groups for rule in group.alerting}
        names = {rule.name for rule in rules} | self._grouped.keys()
        for alert in list(self._alerts.values()):
            if alert.rule not in names:
                self._release(alert.fingerprint, now_ms)

    def set_health(self, targets: Iterable[TargetHealth]) -> None:
        """The targets' health as stored (at start-up), followed from then on scrape by scrape."""
        self._targets = {target.instance: target for target in targets}
        self._suppress_all()

    def observe(self, record: ScrapeRecord) -> None:
        """Evaluate every rule on one scrape of one target."""
        self._health(record)
        values = self._deriver.values(record, self._sources)
        for rule in self.rules:
            found = values.get(rule.metric)
            # A metric the scrape did not report at all (a failed scrape, CPU before a second
            # scrape) says nothing about its alerts: they keep their state until it does.
            if found is not None:
                self._evaluate(rule, found, record.timestamp_ms, (record.job, record.instance))

    def feed(self, metric: str, readings: Sequence[Reading], now_ms: int) -> None:
        """Evaluate the rules on ``metric`` with values that come from no scrape."""
        for rule in self.rules:
            if rule.metric == metric:
                for labels, value in readings:
                    found = dict(labels)
                    scope = (found.get("job", ""), found.get("instance", ""))
                    self._evaluate(rule, [(labels, value)], now_ms, scope)

    def retire(self, scraped: Collection[tuple[str, str]], now_ms: int) -> None:
        """Resolve the alerts of targets (job, instance) no longer scraped: a host taken out of
        targets.yml must not stay down forever."""
        for alert in list(self._alerts.values()):
            grouped = alert.rule in self._grouped  # resolved by its expression alone
            if not grouped and _scope(alert.rule, alert.labels)[1:] not in scraped:
                self._release(alert.fingerprint, now_ms)
        self._deriver.forget(scraped)

    def apply(self, rule: GroupRule, found: Sequence[Instance], now_ms: int) -> None:
        """One evaluation of a group's rule, as Prometheus's alerting rule does it: each result
        series holds, an alert missing from the result resolves (after keep_firing_for)."""
        seen = set()
        for instance in found:
            key = alert_fingerprint(instance.labels)
            seen.add(key)
            self._missing_since.pop(key, None)
            self._hold(rule.name, rule.for_s, instance, now_ms)
        for alert in [a for a in self._alerts.values() if a.rule == rule.name]:
            if alert.fingerprint not in seen and not self._kept(alert, rule, now_ms):
                self._missing_since.pop(alert.fingerprint, None)
                self._release(alert.fingerprint, now_ms)

    def tick(self, now_ms: int, resolved_keep_ms: int) -> None:
        """Fire the pending alerts whose ``for`` has passed; forget old resolved ones."""
        durations = {rule.name: rule.for_s * 1000 for rule in self.rules}
        for alert in list(self._alerts.values()):
            # A group's rule fires only when it is evaluated, as in Prometheus.
            wait = durations.get(alert.rule, float("inf"))
            if alert.state == "pending" and now_ms - alert.active_since_ms >= wait:
                self._transition(alert, "firing", alert.value, now_ms)
            elif alert.state == "resolved" and now_ms - (alert.resolved_ms or 0) > resolved_keep_ms:
                self._drop(alert.fingerprint)

    def drain(self) -> Changes:
        """What changed since the last drain: alerts to store, fingerprints gone, transitions."""
        changed = [self._alerts[key] for key in self._changed if key in self._alerts]
        removed, events = list(self._removed), self._events
        self._changed, self._removed, self._events = set(), set(), []
        return changed, removed, events

    def _evaluate(
        self, rule: Rule, readings: Sequence[Reading], now_ms: int, target: tuple[str, str]
    ) -> None:
        seen = set()
        for labels, value in readings:
            if not all(matcher.matches(dict(labels)) for matcher in rule.matchers):
                continue
            found = alert_labels(rule, labels)
            key = alert_fingerprint(found)
            seen.add(key)
            if rule.holds(value):
                texts = alert_annotations(rule, found, value)
                self._hold(rule.name, rule.for_s, Instance(found, texts, value), now_ms)
            else:
                self._release(key, now_ms)
        # A series that vanished from its target no longer holds, as in Prometheus.
        for key in self._scopes[(rule.name, *target)] - seen:
            self._release(key, now_ms)

    def _kept(self, alert: Alert, rule: GroupRule, now_ms: int) -> bool:
        """Whether a firing alert missing from its rule's result keeps firing a while."""
        if alert.state != "firing" or rule.keep_firing_for_s <= 0:
            return False
        since = self._missing_since.setdefault(alert.fingerprint, now_ms)
        return now_ms - since < rule.keep_firing_for_s * 1000

    def _hold(self, rule: str, for_s: float, found: Instance, now_ms: int) -> None:
        key = alert_fingerprint(found.labels)
        alert = self._alerts.get(key)
        if alert is None or alert.state == "resolved":
            alert = self._new(rule, for_s, key, found, now_ms)
        if (alert.value, alert.annotations) != (found.value, found.annotations):
            changed = dataclasses.replace(alert, value=found.value, annotations=found.annotations)
            self._put(changed)
        if alert.state == "pending" and now_ms - alert.active_since_ms >= for_s * 1000:
            self._transition(self._alerts[key], "firing", found.value, now_ms)

    def _new(self, rule: str, for_s: float, key: str, found: Instance, now_ms: int) -> Alert:
        at_once = for_s == 0  # no pending step to record
        alert = Alert(
            fingerprint=key,
            rule=rule,
            labels=found.labels,
            annotations=found.annotations,
            state="firing" if at_once else "pending",
            value=found.value,
            active_since_ms=now_ms,
            fired_ms=now_ms if at_once else None,
            updated_ms=now_ms,
            suppressed=self._is_suppressed(found.labels),
        )
        self._put(alert)
        self._log(alert, now_ms)
        return alert

    def _release(self, key: str, now_ms: int) -> None:
        alert = self._alerts.get(key)
        if alert is not None and alert.state == "pending":
            self._drop(key)  # never fired: nobody was told, nothing to resolve
        elif alert is not None and alert.state == "firing":
            self._transition(alert, "resolved", alert.value, now_ms)

    def _transition(self, alert: Alert, state: AlertState, value: float, now_ms: int) -> None:
        changed = dataclasses.replace(alert, state=state, value=value, updated_ms=now_ms)
        if state == "firing":
            changed = dataclasses.replace(changed, fired_ms=now_ms)
        else:
            changed = dataclasses.replace(changed, resolved_ms=now_ms)
        self._put(changed)
        self._log(changed, now_ms)

    def _log(self, alert: Alert, now_ms: int) -> None:
        self._events.append(
            AlertEvent(
                alert.fingerprint, alert.rule, alert.labels, now_ms, alert.state, alert.value
            )
        )

    def _put(self, alert: Alert) -> None:
        self._alerts[alert.fingerprint] = alert
        self._scopes[_scope(alert.rule, alert.labels)].add(alert.fingerprint)
        self._changed.add(alert.fingerprint)
        self._removed.discard(alert.fingerprint)

    def _drop(self, key: str) -> None:
        alert = self._alerts.pop(key)
        self._scopes[_scope(alert.rule, alert.labels)].discard(key)
        self._removed.add(key)

    def _health(self, record: ScrapeRecord) -> None:
        was_down = self._is_down(record.instance)
        self._targets[record.instance] = advance(self._targets.get(record.instance), record)
        if self._is_down(record.instance) != was_down:
            self._suppress_all(lambda labels: dict(labels).get("depends_on") == record.instance)

    def _is_down(self, instance: str) -> bool:
        target = self._targets.get(instance)
        return target is not None and target.health == "down"

    def _suppress_all(self, which: Callable[[Labels], bool] = lambda labels: True) -> None:
        for alert in list(self._alerts.values()):
            suppressed = self._is_suppressed(alert.labels)
            if which(alert.labels) and alert.suppressed != suppressed:
                self._put(dataclasses.replace(alert, suppressed=suppressed))

    def _is_suppressed(self, labels: Labels) -> bool:
        parent = dict(labels).get("depends_on", "")
        return bool(parent) and self._is_down(parent)


def merged(before: Changes, after: Changes) -> Changes:
    """``before`` then ``after`` as one batch of changes: a later change of an alert wins."""
    alerts = {alert.fingerprint: alert for alert in before[0]}
    removed = set(before[1])
    for key in after[1]:
        alerts.pop(key, None)
        removed.add(key)
    for alert in after[0]:
        alerts[alert.fingerprint] = alert
        removed.discard(alert.fingerprint)
    return list(alerts.values()), sorted(removed), [*before[2], *after[2]]

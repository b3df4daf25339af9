"""Alert states: inactive -> pending -> firing -> resolved, with `for`, derived values and
suppression by depends_on."""

from __future__ import annotations

from model.matchers import Matcher
from model.staleness import STALE_NAN
from scraper.alerts.defaults import BUILT_IN
from scraper.alerts.evaluator import Evaluator
from scraper.alerts.model import Rule
from storage import Alert
from tests.alerts.scrapes import MINUTE, SECOND, T0, node, scrape

LOAD = Rule(
    "LoadHigh", "node_load1", ">", 4, for_s=300, summary="{{ $labels.instance }} {{ $value }}"
)


def states(evaluator: Evaluator) -> dict[str, str]:
    return {f"{a.rule} {a.instance}": a.state for a in evaluator.alerts}


def only(evaluator: Evaluator) -> Alert:
    (alert,) = evaluator.alerts
    return alert


def test_a_condition_that_holds_makes_a_pending_alert() -> None:
    evaluator = Evaluator([LOAD])
    evaluator.observe(scrape([("node_load1", 5)]))
    assert states(evaluator) == {"LoadHigh web1:9100": "pending"}


def test_a_pending_alert_fires_once_its_for_has_passed_on_the_timer() -> None:
    evaluator = Evaluator([LOAD])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.tick(T0 + 299 * SECOND, 0)
    assert only(evaluator).state == "pending"
    evaluator.tick(T0 + 300 * SECOND, 0)
    assert (only(evaluator).state, only(evaluator).fired_ms) == ("firing", T0 + 300 * SECOND)


def test_a_pending_alert_fires_on_a_scrape_after_its_for() -> None:
    evaluator = Evaluator([LOAD])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.observe(scrape([("node_load1", 6)], t=T0 + 5 * MINUTE))
    assert (only(evaluator).state, only(evaluator).value) == ("firing", 6)


def test_a_pending_alert_whose_condition_stops_is_forgotten() -> None:
    evaluator = Evaluator([LOAD])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.observe(scrape([("node_load1", 1)], t=T0 + MINUTE))
    assert evaluator.alerts == []


def test_a_firing_alert_whose_condition_stops_resolves() -> None:
    evaluator = Evaluator([LOAD])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.tick(T0 + 5 * MINUTE, 0)
    evaluator.observe(scrape([("node_load1", 1)], t=T0 + 6 * MINUTE))
    assert (only(evaluator).state, only(evaluator).resolved_ms) == ("resolved", T0 + 6 * MINUTE)


def test_a_firing_series_that_vanishes_from_its_target_resolves() -> None:
    evaluator = Evaluator([Rule("LoadHigh", "node_load1", ">", 4)])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.observe(scrape([("node_load1", 5, {"cpu": "x"})], t=T0 + MINUTE))
    assert sorted(a.state for a in evaluator.alerts) == ["firing", "resolved"]


def test_a_failed_scrape_leaves_alerts_on_other_metrics_as_they_were() -> None:
    evaluator = Evaluator([Rule("LoadHigh", "node_load1", ">", 4)])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.observe(scrape(t=T0 + MINUTE, error="connection refused"))
    assert only(evaluator).state == "firing"


def test_a_failed_scrape_with_stale_markers_leaves_alerts_as_they_were() -> None:
    """The scrape loop marks every series of a failed scrape stale: no reading of them."""
    evaluator = Evaluator([Rule("LoadHigh", "node_load1", ">", 4)])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.observe(scrape([("node_load1", STALE_NAN)], t=T0 + MINUTE, error="refused"))
    assert only(evaluator).state == "firing"


def test_a_resolved_alert_that_holds_again_starts_pending_anew() -> None:
    evaluator = Evaluator([LOAD])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.tick(T0 + 5 * MINUTE, 0)
    evaluator.observe(scrape([("node_load1", 1)], t=T0 + 6 * MINUTE))
    evaluator.observe(scrape([("node_load1", 7)], t=T0 + 7 * MINUTE))
    assert (only(evaluator).state, only(evaluator).active_since_ms) == ("pending", T0 + 7 * MINUTE)


def test_a_resolved_alert_is_forgotten_after_the_keep_time() -> None:
    evaluator = Evaluator([Rule("LoadHigh", "node_load1", ">", 4)])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.observe(scrape([("node_load1", 1)], t=T0 + MINUTE))
    evaluator.tick(T0 + 2 * MINUTE + 1, MINUTE)
    assert evaluator.alerts == []


def test_matchers_pick_the_series_a_rule_watches() -> None:
    rule = Rule("LoadHigh", "node_load1", ">", 4, matchers=(Matcher("instance", "=", "db1:9100"),))
    evaluator = Evaluator([rule])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.observe(scrape([("node_load1", 5)], instance="db1:9100"))
    assert states(evaluator) == {"LoadHigh db1:9100": "firing"}


def test_every_comparison_operator_compares_value_to_threshold() -> None:
    results = {op: Rule("R", "m", op, 5).holds(5) for op in (">", ">=", "<", "<=", "==", "!=")}
    assert results == {">": False, ">=": True, "<": False, "<=": True, "==": True, "!=": False}


def test_an_alert_carries_series_and_rule_labels_and_expanded_annotations() -> None:
    rule = Rule(
        "LoadHigh",
        "node_load1",
        ">",
        4,
        labels=(("team", "ops"),),
        summary="{{ $labels.instance }} at {{ $value }}",
    )
    evaluator = Evaluator([rule])
    evaluator.observe(scrape([("node_load1", 5.25)]))
    alert = only(evaluator)
    assert dict(alert.labels) == {
        "alertname": "LoadHigh",
        "instance": "web1:9100",
        "job": "node",
        "severity": "warning",
        "team": "ops",
    }
    assert alert.annotations == (("summary", "web1:9100 at 5.25"),)


def test_target_down_fires_on_the_first_failed_scrape() -> None:
    evaluator = Evaluator(BUILT_IN)
    evaluator.observe(scrape(error="connection refused"))
    assert states(evaluator) == {"TargetDown web1:9100": "firing"}


def test_memory_percent_is_derived_from_total_and_available() -> None:
    evaluator = Evaluator([Rule("MemoryHigh", "memory_percent", ">", 90)])
    evaluator.observe(scrape(node(memory_used=0.95)))
    assert round(only(evaluator).value, 6) == 95.0


def test_cpu_percent_needs_two_scrapes_and_is_the_busy_share_between_them() -> None:
    evaluator = Evaluator([Rule("CPUHigh", "cpu_percent", ">", 90)])
    evaluator.observe(scrape(node(cpu_busy_s=100, idle_s=100)))
    assert evaluator.alerts == []
    evaluator.observe(scrape(node(cpu_busy_s=157, idle_s=103), t=T0 + MINUTE))
    assert round(only(evaluator).value, 6) == 95.0


def test_filesystem_used_percent_is_per_mountpoint_and_skips_pseudo_filesystems() -> None:
    evaluator = Evaluator([Rule("FilesystemFull", "filesystem_used_percent", ">", 90)])
    disks = [
        ("node_filesystem_size_bytes", 100.0, {"mountpoint": "/", "fstype": "ext4"}),
        ("node_filesystem_avail_bytes", 5.0, {"mountpoint": "/", "fstype": "ext4"}),
        ("node_filesystem_size_bytes", 100.0, {"mountpoint": "/run", "fstype": "tmpfs"}),
        ("node_filesystem_avail_bytes", 0.0, {"mountpoint": "/run", "fstype": "tmpfs"}),
    ]
    evaluator.observe(scrape(disks))
    assert [(dict(a.labels)["mountpoint"], a.value) for a in evaluator.alerts] == [("/", 95.0)]


def test_alerts_of_a_target_whose_dependency_is_down_are_suppressed() -> None:
    evaluator = Evaluator(BUILT_IN)
    evaluator.observe(scrape(instance="router-1:9100", error="timed out"))
    evaluator.observe(scrape(error="timed out", depends_on="router-1:9100"))
    suppressed = {a.instance: a.suppressed for a in evaluator.alerts}
    assert suppressed == {"router-1:9100": False, "web1:9100": True}


def test_suppression_lifts_when_the_dependency_is_back() -> None:
    evaluator = Evaluator(BUILT_IN)
    evaluator.observe(scrape(instance="router-1:9100", error="timed out"))
    evaluator.observe(scrape(error="timed out", depends_on="router-1:9100"))
    evaluator.observe(scrape(instance="router-1:9100", t=T0 + MINUTE))
    firing = {a.instance: a.suppressed for a in evaluator.alerts if a.state == "firing"}
    assert firing == {"web1:9100": False}


def test_the_alerts_of_a_rule_that_was_removed_resolve() -> None:
    evaluator = Evaluator([Rule("LoadHigh", "node_load1", ">", 4)])
    evaluator.observe(scrape([("node_load1", 5)]))
    evaluator.set_rules([], T0 + MINUTE)
    assert only(evaluator).state == "resolved"


def test_drain_hands_over_changes_and_transitions_once() -> None:
    evaluator = Evaluator([LOAD])
    evaluator.observe(scrape([("node_load1", 5)]))
    changed, removed, events = evaluator.drain()
    assert ([a.state for a in changed], removed, [e.state for e in events]) == (
        ["pending"],
        [],
        ["pending"],
    )
    assert evaluator.drain() == ([], [], [])


def test_alerts_loaded_at_start_keep_their_state_and_start_time() -> None:
    first = Evaluator([LOAD])
    first.observe(scrape([("node_load1", 5)]))
    restarted = Evaluator([LOAD], first.alerts)
    restarted.tick(T0 + 5 * MINUTE, 0)
    assert (only(restarted).state, only(restarted).active_since_ms) == ("firing", T0)

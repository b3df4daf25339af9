"""alerts.yml: refused with file:line:column for every problem, built-ins merged by name,
secrets from files, and the shipped file valid and documenting every key."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from model.errors import ConfigError, ConfigErrors
from model.matchers import Matcher
from scraper.alerts import sections
from scraper.alerts.channels import SERVICES
from scraper.alerts.config import load, load_or_defaults
from scraper.alerts.defaults import BUILT_IN

SHIPPED = Path(__file__).parents[2] / "config" / "alerts.yml"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # so messages name "alerts.yml", as an operator wrote it


def write(text: str) -> str:
    Path("alerts.yml").write_text(textwrap.dedent(text))
    return "alerts.yml"


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigErrors) as raised:
        load(write(text))
    return str(raised.value).splitlines()


def test_an_unknown_rule_key_is_located_and_the_closest_key_suggested() -> None:
    assert problems("rules:\n  - alert: A\n    metric: m\n    treshold: 3\n") == [
        'alerts.yml:4:5: unknown key "treshold" in a rule; did you mean "threshold"?'
    ]


def test_a_bad_comparison_names_the_allowed_ones() -> None:
    assert problems("rules:\n  - alert: A\n    metric: m\n    op: =>\n") == [
        'alerts.yml:4:9: op: expected one of >, >=, <, <=, ==, !=, got "=>"'
    ]


def test_a_new_rule_without_a_metric_is_refused_where_it_starts() -> None:
    assert problems("rules:\n  - alert: A\n    threshold: 1\n") == [
        'alerts.yml:2:5: rule "A": missing required key "metric"'
    ]


def test_a_template_field_other_than_labels_or_value_is_refused() -> None:
    assert problems("rules:\n  - alert: A\n    metric: m\n    summary: '{{ .Value }}'\n") == [
        'alerts.yml:4:14: summary: unsupported template field "{{ .Value }}": '
        "use {{ $labels.<name> }} or {{ $value }}"
    ]


def test_a_malformed_matcher_is_refused_at_its_item() -> None:
    assert problems("rules:\n  - alert: A\n    metric: m\n    matchers: ['job~x']\n") == [
        'alerts.yml:4:16: matchers: expected name="value", name!="value", name=~"regex" or '
        'name!~"regex", got "job~x"'
    ]


def test_a_regex_re2_refuses_is_located_at_its_matcher() -> None:
    assert problems("rules:\n  - alert: A\n    metric: m\n    matchers: ['job=~\"(?<=x)\"']\n") == [
        "alerts.yml:4:16: matchers: invalid regular expression '(?<=x)': "
        "invalid perl operator: (?<="
    ]


def test_a_route_to_an_unknown_receiver_is_refused() -> None:
    assert problems("route:\n  receiver: ops\n") == [
        'alerts.yml:2:13: receiver: no receiver is named "ops"'
    ]


def test_an_alertmanager_key_hostwatch_lacks_is_refused_as_unsupported() -> None:
    assert problems("inhibit_rules: []\n") == [
        'alerts.yml:1:1: key "inhibit_rules" is not supported by hostwatch'
    ]


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = """\
        receivers:
          - name: ops
            webhook_configs:
              - url: ftp://x
        rules:
          - alert: A
            metric: m
            threshold: many
            for: soon
    """
    assert [line.split(": ")[0] for line in problems(text)] == [
        "alerts.yml:4:14",
        "alerts.yml:8:16",
        "alerts.yml:9:10",
    ]


def test_a_duplicate_rule_name_points_at_the_first() -> None:
    text = "rules:\n  - alert: A\n    metric: m\n  - alert: A\n    metric: m\n"
    assert problems(text) == ['alerts.yml:4:12: alert: "A" is a duplicate of line 2, column 12']


def test_a_missing_default_file_means_the_built_in_rules() -> None:
    assert load_or_defaults("absent.yml", required=False).rules == BUILT_IN


def test_a_missing_file_that_was_asked_for_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r'cannot read "absent\.yml"'):
        load_or_defaults("absent.yml", required=True)


def test_a_rule_named_like_a_built_in_changes_only_the_keys_it_sets() -> None:
    config = load(write("rules:\n  - alert: CPUHigh\n    for: 30m\n"))
    cpu = next(rule for rule in config.rules if rule.name == "CPUHigh")
    assert (cpu.metric, cpu.threshold, cpu.for_s) == ("cpu_percent", 90, 1800)


def test_a_built_in_can_be_turned_off() -> None:
    config = load(write("rules:\n  - alert: TargetDown\n    enabled: false\n"))
    assert "TargetDown" not in {rule.name for rule in config.rules}


def test_a_rule_reads_metric_matchers_comparison_threshold_and_for() -> None:
    config = load(
        write(
            """\
            rules:
              - alert: LoadHigh
                metric: node_load1
                matchers: ['job="node"', 'instance=~"db.*"']
                op: ">="
                threshold: 4.5
                for: 2m
                severity: critical
                labels: {team: ops}
            """
        )
    )
    rule = config.rules[-1]
    assert (rule.op, rule.threshold, rule.for_s, rule.severity, rule.labels) == (
        ">=",
        4.5,
        120,
        "critical",
        (("team", "ops"),),
    )
    assert rule.matchers == (Matcher("job", "=", "node"), Matcher("instance", "=~", "db.*"))


def test_child_routes_inherit_grouping_and_route_by_matchers() -> None:
    config = load(
        write(
            """\
            route:
              receiver: ops
              group_by: [alertname, instance]
              group_wait: 10s
              routes:
                - matchers: ['severity="critical"']
                  receiver: pager
            receivers:
              - name: ops
              - name: pager
            """
        )
    )
    critical = config.route({"severity": "critical"})
    assert critical is not None
    assert (critical.receiver, critical.group_by, critical.group_wait_s) == (
        "pager",
        ("alertname", "instance"),
        10,
    )
    assert config.route({"severity": "warning"}) == config.default_route


def test_secrets_are_read_from_files_and_never_shown_in_a_repr(tmp_path: Path) -> None:
    (tmp_path / "hook.password").write_text("s3cret\n")
    (tmp_path / "smtp.password").write_text("m4il\n")
    config = load(
        write(
            """\
            receivers:
              - name: ops
                webhook_configs:
                  - url: http://127.0.0.1:1/
                    basic_auth: {username: hw, password_file: hook.password}
                email_configs:
                  - to: ops@example.org
                    from: hw@example.org
                    smarthost: 127.0.0.1:25
                    auth_password_file: smtp.password
            """
        )
    )
    receiver = config.receivers[0]
    assert (receiver.webhooks[0].password, receiver.emails[0].password) == ("s3cret", "m4il")
    assert "s3cret" not in repr(config)
    assert "m4il" not in repr(config)


def _uncommented(text: str) -> str:
    """The shipped file with its commented examples turned on and its prose left out."""
    lines = [re.sub(r"^(\s*)# ", r"\1", line) for line in text.splitlines()]
    return "\n".join(line for line in lines if re.match(r"\s*(- )?[a-z_]+:( |$)", line)) + "\n"


def test_the_shipped_examples_are_valid_once_uncommented(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    for name in ("hook.password", "smtp.password"):
        (tmp_path / "secrets" / name).write_text("secret\n")
    config = load(write(_uncommented(SHIPPED.read_text())))
    assert [r.name for r in config.receivers] == ["ops", "pager", "chat"]
    assert [c.kind for c in config.receivers[2].channels] == [s.kind for s in SERVICES]
    assert [r.name for r in config.rules][-1] == "LoadHigh"


def test_the_shipped_file_loads_with_the_built_in_rules_and_no_receivers() -> None:
    config = load(SHIPPED)
    assert (config.rules, config.receivers, config.default_route) == (BUILT_IN, (), None)


def test_the_shipped_file_documents_every_key() -> None:
    text = SHIPPED.read_text()
    blocks = (
        sections.GLOBAL,
        sections.ROUTE,
        sections.RECEIVER,
        sections.WEBHOOK,
        sections.EMAIL,
        sections.RULE,
        *(service.section() for service in SERVICES),
    )
    keys = {key for section in blocks for key in section.known} | {"username", "password_file"}
    undocumented = {key for key in keys if not re.search(rf"^[ #-]*{key}:", text, re.MULTILINE)}
    assert undocumented == set()


def test_the_shipped_file_documents_every_rule_group_key() -> None:
    text = SHIPPED.read_text()
    keys = {key for section in (sections.GROUP, sections.GROUP_RULE) for key in section.known}
    undocumented = {key for key in keys if not re.search(rf"^[ #-]*{key}:", text, re.MULTILINE)}
    assert undocumented == set()


def test_the_shipped_rule_group_example_is_read_into_a_group(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    for name in ("hook.password", "smtp.password"):
        (tmp_path / "secrets" / name).write_text("secret\n")
    (group,) = load(write(_uncommented(SHIPPED.read_text()))).groups
    assert (group.name, group.interval_s, group.limit) == ("node-exporter", 60.0, 0)
    (rule,) = group.alerting
    assert (rule.name, rule.for_s, rule.keep_firing_for_s, rule.labels) == (
        "HostOutOfMemory",
        120.0,
        300.0,
        (("severity", "warning"),),
    )
    assert rule.expr.text.startswith("node_memory_MemAvailable_bytes / ")


def test_a_group_without_an_interval_is_evaluated_every_evaluation_interval() -> None:
    config = load(
        write("""\
        global:
          evaluation_interval: 30s
        groups:
          - name: g
            rules:
              - alert: Up
                expr: up == 0
        """)
    )
    assert [(group.name, group.interval_s) for group in config.groups] == [("g", 30.0)]


def test_a_bad_expression_is_located_at_the_token_the_parser_names() -> None:
    text = """\
    groups:
      - name: g
        rules:
          - alert: A
            expr: |
              sum by (instance)
                (nofunc(node_load1[5m]))
          - alert: B
            expr: 'up{job=node}'
    """
    assert problems(text) == [
        "alerts.yml:7:14: expr: parse error: unknown function with name 'nofunc'",
        "alerts.yml:9:23: expr: parse error: unexpected identifier 'node' in label matching, "
        "expected string",
    ]


def test_a_group_holds_its_recording_and_alerting_rules_in_file_order() -> None:
    text = """\
    groups:
      - name: node
        rules:
          - record: instance:node_load1:max
            expr: max by (instance) (node_load1)
            labels:
              tier: web
          - alert: LoadHigh
            expr: instance:node_load1:max > 4
          - record: instance:node_load1:max
            expr: max by (instance) (node_load5)
    """
    (group,) = load(write(text)).groups
    assert [(type(rule).__name__, rule.name, rule.expr.text) for rule in group.rules] == [
        ("RecordingRule", "instance:node_load1:max", "max by (instance) (node_load1)"),
        ("GroupRule", "LoadHigh", "instance:node_load1:max > 4"),
        ("RecordingRule", "instance:node_load1:max", "max by (instance) (node_load5)"),
    ]
    assert group.rules[0].labels == (("tier", "web"),)
    assert [rule.name for rule in group.alerting] == ["LoadHigh"]


def test_a_recording_rule_with_a_bad_name_label_key_or_expression_is_refused() -> None:
    text = """\
    groups:
      - name: g
        rules:
          - record: job up
            expr: up
          - record: job:up
            expr: sum(up
            for: 5m
          - record: job:up
            alert: JobUp
            expr: up
          - record: job:up
            expr: up
            labels:
              __name__: other
    """
    assert problems(text) == [
        'alerts.yml:4:17: record: expected a metric name [a-zA-Z_:][a-zA-Z0-9_:]*, got "job up"',
        "alerts.yml:7:18: expr: parse error: unclosed left parenthesis",
        'alerts.yml:8:9: unknown key "for" in a recording rule; expected record, expr, labels',
        "alerts.yml:9:9: a rule is either an alert: or a record:, not both",
        'alerts.yml:15:11: labels: label name "__name__" is reserved (names starting with __ '
        "are for internal use)",
    ]


def test_a_group_alert_may_not_take_a_threshold_rules_name() -> None:
    text = "groups:\n  - name: g\n    rules:\n      - alert: CPUHigh\n        expr: up\n"
    assert problems(text) == [
        'alerts.yml:4:16: alert: "CPUHigh" is already a rule under rules: (built-in or not)'
    ]


def test_an_unknown_template_function_in_an_annotation_is_refused() -> None:
    text = """\
    groups:
      - name: g
        rules:
          - alert: A
            expr: up
            annotations:
              summary: '{{ $value | printf "%.2f" }}'
    """
    (problem,) = problems(text)
    assert problem.startswith('alerts.yml:7:20: annotation "summary": unsupported template field')


def test_a_rule_without_an_expression_and_a_bad_label_template_are_refused() -> None:
    text = """\
    groups:
      - name: g
        rules:
          - alert: A
            labels:
              team: "{{ $labels }}"
          - alert: B
            expr: up
            labels:
              team: "{{ .Labels }}"
    """
    assert problems(text) == [
        'alerts.yml:4:9: missing required key "expr"',
        'alerts.yml:10:11: label "team": unsupported template field "{{ .Labels }}": use '
        "{{ $labels.<name> }} or {{ $value }}, {{ $labels }}, {{ $value | humanize }}",
    ]

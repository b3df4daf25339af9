"""Rule groups evaluated by hostwatch equal Prometheus's evaluation of the same rules on the same
samples: hostwatch's firing alerts (labels, annotations) and the series its recording rules
stored, at every minute, are handed to ``promtool test rules`` as what it must find (its
``alert_rule_test`` and ``promql_expr_test``), and it must agree."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from promql import Engine
from scraper.alerts.config import load
from scraper.alerts.service import AlertService
from scraper.telemetry import Telemetry
from storage import Storage
from tests.alerts import hostrules
from tests.conftest import require_tool

pytestmark = pytest.mark.anyio
Firing = dict[tuple[int, str], list[dict[str, dict[str, str]]]]
Recorded = dict[tuple[int, str], list[dict[str, str | float]]]


@dataclass(frozen=True)
class Rounds:
    """What hostwatch found at each (minute, rule): firing alerts as promtool's ``exp_alerts``
    lists them, recorded series as its ``exp_samples`` do."""

    firing: Firing
    recorded: Recorded


async def hostwatch_rounds(tmp_path: Path, store: Storage) -> Rounds:
    path = tmp_path / "alerts.yml"
    path.write_text(hostrules.RULES)
    store.write(hostrules.records())
    service = AlertService(load(path), store, Telemetry(), lambda: 0.0)
    rounds = Rounds({}, {})
    for minute in range(hostrules.MINUTES):
        await service.step(now_ms=minute * hostrules.STEP_MS)
        for name in hostrules.ALERTS:
            rounds.firing[(minute, name)] = [
                {
                    "exp_labels": {k: v for k, v in alert.labels if k != "alertname"},
                    "exp_annotations": dict(alert.annotations),
                }
                for alert in sorted(service.evaluator.alerts, key=lambda a: a.labels)
                if alert.rule == name and alert.state == "firing"
            ]
        for name in hostrules.RECORDED:
            rounds.recorded[(minute, name)] = samples(store, name, minute * hostrules.STEP_MS)
    return rounds


def samples(store: Storage, name: str, time_ms: int) -> list[dict[str, str | float]]:
    """The series ``name`` as stored, read at ``time_ms`` by the PromQL engine."""
    value = Engine(store).instant(name, time_ms).value
    assert isinstance(value, list)
    return [
        {"labels": series_text(series.labels), "value": float(series.values[0])}
        for series in value
        if series.present[0]
    ]


def series_text(labels: tuple[tuple[str, str], ...]) -> str:
    found = dict(labels)
    name = found.pop("__name__")
    pairs = ",".join(f"{key}={json.dumps(value)}" for key, value in sorted(found.items()))
    return f"{name}{{{pairs}}}"


def promtool_test(tmp_path: Path, rounds: Rounds) -> subprocess.CompletedProcess[str]:
    (tmp_path / "rules.yml").write_text(hostrules.RULES)
    tests = {
        "rule_files": ["rules.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": hostrules.input_series(),
                "alert_rule_test": [
                    {"eval_time": f"{minute}m", "alertname": name, "exp_alerts": alerts}
                    for (minute, name), alerts in rounds.firing.items()
                ],
                "promql_expr_test": [
                    {"expr": name, "eval_time": f"{minute}m", "exp_samples": found}
                    for (minute, name), found in rounds.recorded.items()
                ],
            }
        ],
    }
    (tmp_path / "test.yml").write_text(yaml.safe_dump(tests, sort_keys=False))
    command = [require_tool("promtool"), "test", "rules", "test.yml"]
    return subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )


def spans(firing: Firing) -> dict[str, list[tuple[int, str]]]:
    """For each rule, the (minute, instance) pairs at which it fires."""
    found: dict[str, list[tuple[int, str]]] = {name: [] for name in hostrules.ALERTS}
    for (minute, name), alerts in sorted(firing.items()):
        found[name] += [(minute, alert["exp_labels"]["instance"]) for alert in alerts]
    return found


async def test_host_rules_fire_and_record_as_promtool_says_they_do(
    tmp_path: Path, store: Storage
) -> None:
    answer = promtool_test(tmp_path, await hostwatch_rounds(tmp_path, store))
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "SUCCESS" in answer.stdout


async def test_host_rules_fire_for_the_minutes_the_samples_say(
    tmp_path: Path, store: Storage
) -> None:
    found = spans((await hostwatch_rounds(tmp_path, store)).firing)
    web1, web2 = "web1:9100", "web2:9100"
    assert found == {
        # under 10% from minute 5, `for: 2m`, back above at 20
        "HostOutOfMemory": [(minute, web1) for minute in range(7, 20)],
        # mostly busy from minute 10: the 150s window (two minutes' growth) says 90% from 11,
        # `for: 5m`
        "HostHighCpuLoad": [(minute, web2) for minute in range(16, 31)],
        # full from minute 3, `for: 2m`, free again at 13 but `keep_firing_for: 3m`
        "HostOutOfDiskSpace": [(minute, web1) for minute in range(5, 16)],
        # reading hard in minutes 15 to 25: over 50 MiB/s while the window holds one such
        # minute (15 to 26), `for: 1m`
        "HostUnusualDiskReadRate": [(minute, web2) for minute in range(16, 27)],
        # receiving hard in minutes 20 to 24: over 100 MB/s once both minutes are such
        "HostUnusualNetworkThroughputIn": [(minute, web1) for minute in range(21, 25)],
        # the recorded memory utilisation over 0.9 from minute 5 (of the same round), `for: 2m`
        "HostMemoryUtilisationHigh": [(minute, web1) for minute in range(7, 20)],
    }


async def test_host_recording_rules_record_the_values_the_samples_say(
    tmp_path: Path, store: Storage
) -> None:
    recorded = (await hostwatch_rounds(tmp_path, store)).recorded
    assert recorded[(0, "instance:node_cpu_utilisation:rate150s")] == []  # one sample: no rate
    assert recorded[(10, "instance:node_memory_utilisation:ratio")] == [
        {"labels": 'instance:node_memory_utilisation:ratio{instance="web1:9100",job="node"}',
         "value": pytest.approx(1 - 4.1e8 / 8e9)},
        {"labels": 'instance:node_memory_utilisation:ratio{instance="web2:9100",job="node"}',
         "value": 0.5},
    ]  # fmt: skip
    assert recorded[(22, "instance:node_network_receive_bytes_excluding_lo:rate150s")][0] == {
        "labels": "instance:node_network_receive_bytes_excluding_lo:rate150s"
        '{instance="web1:9100",job="node",source="node-mixin"}',
        "value": pytest.approx(7.5e9 / 60),  # both minutes in the window receiving hard
    }
    assert recorded[(0, "fleet:node_uname_info:count")] == [
        {"labels": "fleet:node_uname_info:count{}", "value": 2.0}
    ]

"""Rule groups evaluated by hostwatch equal Prometheus's evaluation of the same rules on the same
samples: hostwatch's firing alerts (labels, annotations) at every minute are handed to
``promtool test rules`` as what it must find, and it must agree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from scraper.alerts.config import load
from scraper.alerts.service import AlertService
from scraper.telemetry import Telemetry
from storage import Storage
from tests.alerts import hostrules
from tests.conftest import require_tool

pytestmark = pytest.mark.anyio
Firing = dict[tuple[int, str], list[dict[str, dict[str, str]]]]


async def hostwatch_firing(tmp_path: Path, store: Storage) -> Firing:
    """The firing alerts of each rule at each minute, as promtool's ``exp_alerts`` lists them."""
    path = tmp_path / "alerts.yml"
    path.write_text(hostrules.RULES)
    store.write(hostrules.records())
    service = AlertService(load(path), store, Telemetry(), lambda: 0.0)
    firing: Firing = {}
    for minute in range(hostrules.MINUTES):
        await service.step(now_ms=minute * hostrules.STEP_MS)
        for name in hostrules.ALERTS:
            firing[(minute, name)] = [
                {
                    "exp_labels": {k: v for k, v in alert.labels if k != "alertname"},
                    "exp_annotations": dict(alert.annotations),
                }
                for alert in sorted(service.evaluator.alerts, key=lambda a: a.labels)
                if alert.rule == name and alert.state == "firing"
            ]
    return firing


def promtool_test(tmp_path: Path, firing: Firing) -> subprocess.CompletedProcess[str]:
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
                    for (minute, name), alerts in firing.items()
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


async def test_host_rules_fire_as_promtool_says_they_do(tmp_path: Path, store: Storage) -> None:
    firing = await hostwatch_firing(tmp_path, store)
    answer = promtool_test(tmp_path, firing)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "SUCCESS" in answer.stdout


async def test_host_rules_fire_for_the_minutes_the_samples_say(
    tmp_path: Path, store: Storage
) -> None:
    found = spans(await hostwatch_firing(tmp_path, store))
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
    }

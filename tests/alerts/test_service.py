"""The alerting service on a real database: state and notifications survive a restart, alerts.yml
is hot reloaded, silences mute, and the scraper's /metrics shows alert states."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest

from scraper.alerts.config import load
from scraper.alerts.payload import ZERO_TIME
from scraper.alerts.service import AlertService
from scraper.telemetry import Telemetry
from storage import Matcher, Silence, Storage
from tests.alerts.receivers import Hook
from tests.alerts.scrapes import MINUTE, T0, now_ms, scrape
from tests.alerts.test_notifier import until

pytestmark = pytest.mark.anyio
ALERTS = """\
global:
  evaluation_interval: 50ms
  notify_backoff: 50ms
route:
  receiver: ops
  group_wait: 0s
  group_interval: 100ms
receivers:
  - name: ops
    webhook_configs:
      - url: {url}
rules:
  - alert: LoadHigh
    metric: node_load1
    threshold: 4
    for: 5m
"""


def service(path: Path, store: Storage, telemetry: Telemetry | None = None) -> AlertService:
    return AlertService(load(path), store, telemetry or Telemetry(), lambda: 0.0)


@pytest.fixture
def alerts_file(tmp_path: Path, hook: Hook) -> Path:
    path = tmp_path / "alerts.yml"
    path.write_text(ALERTS.format(url=hook.url))
    return path


@asynccontextmanager
async def running(alerting: AlertService) -> AsyncIterator[AlertService]:
    async with anyio.create_task_group() as group:
        group.start_soon(alerting.run, lambda: {("node", "web1:9100")})
        yield alerting
        group.cancel_scope.cancel()


async def test_a_firing_alert_is_stored_and_known_again_after_a_restart(
    alerts_file: Path, store: Storage
) -> None:
    first = service(alerts_file, store)
    first.observe(scrape(error="connection refused"))
    await first.step(now_ms=T0)
    restarted = service(alerts_file, store)
    assert [(a.rule, a.state) for a in restarted.evaluator.alerts] == [("TargetDown", "firing")]


async def test_a_pending_alert_keeps_its_start_across_a_restart_and_fires_on_time(
    alerts_file: Path, store: Storage
) -> None:
    first = service(alerts_file, store)
    first.observe(scrape([("node_load1", 9)]))
    await first.step(now_ms=T0)
    restarted = service(alerts_file, store)
    await restarted.step(now_ms=T0 + 5 * MINUTE)
    (alert,) = store.alerts()
    assert (alert.state, alert.active_since_ms, alert.fired_ms) == ("firing", T0, T0 + 5 * MINUTE)


async def test_transitions_are_kept_as_history(alerts_file: Path, store: Storage) -> None:
    alerting = service(alerts_file, store)
    alerting.observe(scrape(error="connection refused"))
    alerting.observe(scrape(t=T0 + MINUTE))
    await alerting.step(now_ms=T0 + MINUTE)
    assert [(e.state, e.timestamp_ms) for e in store.alert_history()] == [
        ("resolved", T0 + MINUTE),
        ("firing", T0),
    ]


async def test_a_restart_does_not_send_a_notification_again(
    alerts_file: Path, store: Storage, hook: Hook
) -> None:
    async with running(service(alerts_file, store)) as first:
        first.observe(scrape(t=now_ms(), error="connection refused"))
        await until(lambda: len(hook.posts) == 1 and bool(store.notifications()))
    async with running(service(alerts_file, store)):
        await anyio.sleep(0.5)  # several evaluation and group intervals
    assert len(hook.posts) == 1


async def test_a_resolved_alert_is_notified_as_resolved(
    alerts_file: Path, store: Storage, hook: Hook
) -> None:
    async with running(service(alerts_file, store)) as alerting:
        alerting.observe(scrape(t=now_ms(), error="connection refused"))
        await until(lambda: len(hook.posts) == 1)
        alerting.observe(scrape(t=now_ms()))
        await until(lambda: len(hook.posts) == 2)
    assert [p["status"] for p in hook.posts] == ["firing", "resolved"]
    assert hook.posts[1]["alerts"][0]["endsAt"] != ZERO_TIME


async def test_a_silenced_alert_is_not_notified_and_shows_as_silenced(
    alerts_file: Path, store: Storage, hook: Hook
) -> None:
    far = T0 + 10**12
    store.add_silence(Silence(0, (Matcher("instance", "=", "web1:9100"),), 0, far, "", "ops", 0))
    telemetry = Telemetry()
    async with running(service(alerts_file, store, telemetry)) as alerting:
        alerting.observe(scrape(t=now_ms(), error="connection refused"))
        labels = {"alertname": "TargetDown", "state": "silenced"}
        # Waits for the evaluation rather than sleeping a fixed time: a loaded machine is slow.
        await until(lambda: telemetry.registry.get_sample_value("hostwatch_alerts", labels) == 1)
        await anyio.sleep(0.5)  # several group intervals, in which nothing may be sent
    assert telemetry.registry.get_sample_value("hostwatch_alerts", labels) == 1
    assert hook.posts == []


async def test_an_edited_alerts_file_is_picked_up_without_a_restart(
    alerts_file: Path, store: Storage
) -> None:
    alerting = service(alerts_file, store)
    alerts_file.write_text(alerts_file.read_text().replace("LoadHigh", "LoadVeryHigh"))
    await alerting.step(now_ms=T0)
    assert alerting.evaluator.rules[-1].name == "LoadVeryHigh"


async def test_an_invalid_alerts_file_is_refused_and_the_old_rules_keep_running(
    alerts_file: Path, store: Storage
) -> None:
    telemetry = Telemetry()
    alerting = service(alerts_file, store, telemetry)
    alerts_file.write_text(alerts_file.read_text().replace("threshold: 4", "threshold: four"))
    await alerting.step(now_ms=T0)
    assert alerting.evaluator.rules[-1].name == "LoadHigh"
    success = telemetry.registry.get_sample_value("hostwatch_alerts_config_last_reload_successful")
    assert success == 0


async def test_a_refused_alerts_file_keeps_its_error_for_the_dashboard_until_fixed(
    alerts_file: Path, store: Storage
) -> None:
    alerting = service(alerts_file, store)
    good = alerts_file.read_text()
    alerts_file.write_text(good.replace("threshold: 4", "threshold: four"))
    await alerting.step(now_ms=T0)
    refused = alerting.last_error
    alerts_file.write_text(good + "\n")
    await alerting.step(now_ms=T0 + 1000)
    assert (f"{alerts_file}:" in refused, "four" in refused) == (True, True)
    assert alerting.last_error == ""


async def test_the_buffer_filling_up_fires_an_alert_about_the_scraper(
    alerts_file: Path, store: Storage
) -> None:
    alerting = AlertService(load(alerts_file), store, Telemetry(), lambda: 85.0)
    await alerting.step(now_ms=T0)
    assert [(a.rule, a.instance, a.state) for a in store.alerts()] == [
        ("ScraperBufferFilling", "scraper", "firing")
    ]


async def test_the_alerts_of_a_target_no_longer_scraped_resolve(
    alerts_file: Path, store: Storage
) -> None:
    alerting = service(alerts_file, store)
    alerting.observe(scrape(error="connection refused"))
    await alerting.step(lambda: {("node", "db1:9100")}, now_ms=T0 + MINUTE)
    assert [(a.instance, a.state) for a in store.alerts()] == [("web1:9100", "resolved")]

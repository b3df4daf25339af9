"""End to end: a real scraper process, a real HTTP target that goes down and comes back, and a
real webhook receiver that hears of it firing, then resolved."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.alerts.receivers import Hook, serving_in_thread
from tests.exporter.serving import free_port
from tests.scraper.targets import TargetHandler, TargetServer
from tests.scraper.test_cli import SCRAPER

TARGETS = """\
scrape_configs:
  - job_name: demo
    scrape_interval: 1s
    scrape_timeout: 500ms
    static_configs:
      - targets: ["127.0.0.1:{port}"]
"""
ALERTS = """\
global:
  evaluation_interval: 200ms
  notify_backoff: 100ms
route:
  receiver: ops
  group_wait: 0s
  group_interval: 500ms
receivers:
  - name: ops
    webhook_configs:
      - url: {url}
"""


class ClosingHandler(TargetHandler):
    # A kept-alive connection would outlive the server and keep the target "up".
    protocol_version = "HTTP/1.0"


@contextmanager
def target_on(port: int) -> Iterator[None]:
    """A target answering on ``port`` until the block ends; then the port refuses connections."""
    with serving_in_thread(TargetServer(("127.0.0.1", port), ClosingHandler)):
        yield


@pytest.mark.slow
def test_a_target_that_goes_down_is_notified_firing_then_resolved_when_back(
    tmp_path: Path, hook: Hook
) -> None:
    port, metrics = free_port(), free_port()
    (tmp_path / "targets.yml").write_text(TARGETS.format(port=port))
    (tmp_path / "alerts.yml").write_text(ALERTS.format(url=hook.url))
    flags = [
        *("--config", str(tmp_path / "targets.yml"), "--alerts", str(tmp_path / "alerts.yml")),
        *("--database-url", f"sqlite:///{tmp_path / 'hostwatch.db'}"),
        *("--listen", f"127.0.0.1:{metrics}"),
    ]
    with subprocess.Popen([*SCRAPER, *flags]) as scraper:
        try:
            hook.wait_for(1)  # the target is not up yet: its first scrape fails
            with target_on(port):
                resolved = hook.wait_for(2)[1]
            firing_again = hook.wait_for(3)[2]
            own = httpx.get(f"http://127.0.0.1:{metrics}/metrics", timeout=10).text
        finally:
            scraper.send_signal(signal.SIGTERM)
            scraper.wait(timeout=20)
    first = hook.posts[0]
    assert (first["status"], first["alerts"][0]["labels"]["alertname"]) == ("firing", "TargetDown")
    assert first["alerts"][0]["labels"]["instance"] == f"127.0.0.1:{port}"
    assert (resolved["status"], firing_again["status"]) == ("resolved", "firing")
    assert 'hostwatch_alert_notifications_total{outcome="sent",receiver="ops"} 3.0' in own

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from model.errors import StorageError
from storage import Storage
from tests.exporter.serving import free_port

SCRAPER = [sys.executable, "-m", "scraper"]
EXPORTER = [sys.executable, "-m", "exporter"]
T = TypeVar("T")


def check_config(path: Path) -> subprocess.CompletedProcess[str]:
    command = [*SCRAPER, "check-config", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def test_check_config_prints_ok_and_exits_0_for_the_shipped_file() -> None:
    result = check_config(Path("config/targets.yml"))
    assert (result.returncode, result.stdout) == (
        0,
        "config/targets.yml: OK (1 jobs, 1 static targets)\n"
        "config/alerts.yml: OK (5 rules, 0 rule groups with 0 rules, 0 receivers; "
        "no route: nothing is notified)\n",
    )


def test_check_config_prints_every_error_with_its_position_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "t.yml"
    path.write_text("scrape_configs:\n  - job_name: a\n    scrape_intervl: 5s\n    scheme: ftp\n")
    result = check_config(path)
    assert result.returncode == 1
    assert f"{path}:3:5: unknown key" in result.stderr
    assert f"{path}:4:13: " in result.stderr


def test_check_config_counts_the_rule_groups_of_the_alerts_file(tmp_path: Path) -> None:
    alerts = tmp_path / "alerts.yml"
    alerts.write_text(
        "groups:\n  - name: host\n    rules:\n"
        "      - alert: A\n        expr: up == 0\n      - alert: B\n        expr: up > 1\n"
    )
    command = [*SCRAPER, "check-config", "config/targets.yml", "--alerts", str(alerts)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert (result.returncode, result.stdout.splitlines()[1]) == (
        0,
        f"{alerts}: OK (5 rules, 1 rule groups with 2 rules, 0 receivers; "
        "no route: nothing is notified)",
    )


def test_check_config_reports_a_bad_expression_at_its_line_and_column(tmp_path: Path) -> None:
    alerts = tmp_path / "alerts.yml"
    alerts.write_text(
        "groups:\n  - name: host\n    rules:\n      - alert: A\n        expr: up ==\n"
    )
    command = [*SCRAPER, "check-config", "config/targets.yml", "--alerts", str(alerts)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert (result.returncode, result.stderr) == (
        1,
        f"{alerts}: FAILED\n{alerts}:5:15: expr: parse error: invalid promql query\n",
    )


def test_an_unknown_command_is_one_line_and_exit_1() -> None:
    command = [*SCRAPER, "frobnicate"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert result.stderr == (
        "hostwatch-scraper: error: unknown command 'frobnicate' "
        "(commands: run, check-config, db upgrade, db import, maintain)\n"
    )


def read_when(url: str, read: Callable[[Storage], list[T]], count: int) -> list[T]:
    """``read(store)`` once it returns ``count`` items, polling the scraper's database."""
    store = Storage.open(url)
    try:
        for _ in range(300):
            try:
                found = read(store)
            except StorageError:  # the scraper has not created the schema yet
                found = []
            if len(found) == count:
                return found
            time.sleep(0.05)
    finally:
        store.close()
    raise AssertionError(f"{count} items did not appear in {url}")


@pytest.mark.slow
def test_the_scraper_stores_an_up_exporter_and_a_down_target_then_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    exporter_port, closed_port = free_port(), free_port()
    config = tmp_path / "targets.yml"
    config.write_text(
        "scrape_configs:\n  - job_name: node\n    static_configs:\n"
        f'      - targets: ["127.0.0.1:{exporter_port}", "127.0.0.1:{closed_port}"]\n'
    )
    url = f"sqlite:///{tmp_path / 'hostwatch.db'}"
    scraper_flags = ["--config", str(config), "--database-url", url]
    listen = ["--listen", f"127.0.0.1:{free_port()}"]
    with (
        subprocess.Popen([*EXPORTER, "--listen", f"127.0.0.1:{exporter_port}"]) as exporter,
        subprocess.Popen([*SCRAPER, *scraper_flags, *listen]) as scraper,
    ):
        try:
            targets = {t.instance: t for t in read_when(url, Storage.targets, 2)}
            (report,) = read_when(url, Storage.scrapers, 1)
        finally:
            scraper.send_signal(signal.SIGTERM)
            returncode = scraper.wait(timeout=20)
            exporter.terminate()
    assert targets[f"127.0.0.1:{exporter_port}"].health == "up"
    assert targets[f"127.0.0.1:{closed_port}"].health == "down"
    assert targets[f"127.0.0.1:{closed_port}"].last_error == "connection refused"
    assert (report.name, report.targets, report.reload_ok) == ("0/1", 2, True)
    assert returncode == 0

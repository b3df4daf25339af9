"""``make run`` (deploy/local.sh): says it runs only once the three programs answer."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.deploy.files import ROOT
from tests.exporter.serving import free_port


@contextmanager
def local_run(tmp_path: Path) -> Iterator[tuple[dict[str, str], queue.Queue[str]]]:
    """deploy/local.sh on free ports and a fresh SQLite file; its output lines as they come."""
    listen = {
        name: f"127.0.0.1:{free_port()}"
        for name in ("EXPORTER_LISTEN", "SCRAPER_LISTEN", "WEB_LISTEN")
    }
    targets = tmp_path / "targets.yml"
    targets.write_text(
        "global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
        f"scrape_configs:\n  - job_name: node\n    static_configs:\n"
        f"      - targets: ['{listen['EXPORTER_LISTEN']}']\n"
    )
    env = {
        **os.environ,
        **listen,
        "BIN": str(Path(sys.executable).parent),
        "TARGETS": str(targets),
        "HOSTWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'hostwatch.db'}",
    }
    script = subprocess.Popen(
        [str(ROOT / "deploy/local.sh")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert script.stdout is not None
    reader = threading.Thread(target=_read, args=(script.stdout, lines))
    reader.start()
    try:
        yield listen, lines
    finally:
        script.terminate()  # its trap stops the three programs
        script.wait(timeout=30)
        reader.join(timeout=30)
        script.stdout.close()


def _read(output: IO[str], lines: queue.Queue[str]) -> None:
    for line in output:
        lines.put(line)


def until(lines: queue.Queue[str], text: str, seconds: float) -> list[str]:
    """Every line read up to and including the first holding ``text``."""
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while not seen or text not in seen[-1]:
        try:
            seen.append(lines.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            raise AssertionError(f"no {text!r} within {seconds} s in {seen}") from None
    return seen


@pytest.mark.slow
def test_make_run_says_it_runs_only_once_the_three_programs_answer(tmp_path: Path) -> None:
    with local_run(tmp_path) as (listen, lines):
        until(lines, "hostwatch is running", 90)
        statuses = [
            httpx.get(f"http://{listen['EXPORTER_LISTEN']}/metrics", timeout=5).status_code,
            httpx.get(f"http://{listen['SCRAPER_LISTEN']}/metrics", timeout=5).status_code,
            httpx.get(f"http://{listen['WEB_LISTEN']}/health", timeout=5).status_code,
        ]

    assert statuses == [200, 200, 200]


@pytest.mark.slow
def test_make_run_on_a_fresh_database_logs_maintenance_as_a_sentence(tmp_path: Path) -> None:
    with local_run(tmp_path) as (_, lines):
        maintenance = until(lines, "maintenance:", 90)[-1]

    assert maintenance.rstrip().endswith("maintenance: nothing to do")

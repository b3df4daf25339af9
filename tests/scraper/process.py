"""The real scraper process in tests: waiting for it, reading what it stored, stopping it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable

from model.errors import StorageError
from model.matchers import Matcher
from storage import RangeQuery, Storage

SCRAPER = [sys.executable, "-m", "scraper"]


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s")
        time.sleep(0.1)


def up_samples(url: str, instance: str, until_ms: int) -> list[tuple[int, float]]:
    """The ``up`` samples of ``instance`` up to ``until_ms`` (the last hour): one per scrape."""
    store = Storage.open(url)
    try:
        # Raw samples: a range inside raw retention, one bucket per millisecond.
        since = int(time.time() * 1000) - 3_600_000
        matchers = [Matcher("instance", "=", instance)]
        query = RangeQuery("up", matchers, since, until_ms, 1, "last", 10**9)
        return [point for _, points in store.query_range(query).series for point in points]
    except StorageError:
        return []
    finally:
        store.close()


def stored_scrapes(url: str, instance: str, until_ms: int) -> int:
    """How many scrapes of ``instance`` up to ``until_ms`` are stored: its ``up`` samples."""
    return len(up_samples(url, instance, until_ms))


def stop(process: subprocess.Popen[bytes]) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    return stderr

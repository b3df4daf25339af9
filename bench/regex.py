"""What a catastrophic regex costs: the #11 queries through the API, and Python's re beside.

    .venv/bin/python -m bench.regex

SERVERS servers, each with a node_os_info series whose pretty_name is LABEL_LENGTH characters,
in a throw-away SQLite database. Each pattern is asked RUNS times through
``GET /api/v1/query_range?metric=node_os_info&match[]={pretty_name=~"..."}`` (Starlette's
TestClient, so no network); the figure is the median. The anchor is what Python's backtracking
``re`` (the engine before RE2) takes for the same pattern on growing prefixes of the label, each
in a subprocess stopped after TIMEOUT_S.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from model.regex import Regex
from model.samples import Sample
from storage import ScrapeRecord, Storage
from web.app import create_app
from web.http.state import Settings

SERVERS = 100
LABEL_LENGTH = 2048  # storage's max_label_value_length
RUNS = 20
TIMEOUT_S = 5.0
PATTERNS = ("D(.*)*X", "(.*.*.*)*X", "(.*.*.*.*)*X", "Debian.*")
BASELINE = 'job="node"'
"""The same request with no regex: what the rest of query_range costs."""
NOW_MS = int(time.time() * 1000)


NAME = ("Debian GNU/Linux 12 (bookworm) " * (LABEL_LENGTH // 31 + 1))[:LABEL_LENGTH]


def seed(store: Storage) -> None:
    records = []
    for index in range(SERVERS):
        instance = f"host{index}:9100"
        labels = (("instance", instance), ("job", "node"))
        sample = Sample("node_os_info", (*labels, ("pretty_name", NAME)), 1.0)
        records.append(
            ScrapeRecord("node", instance, labels, NOW_MS - 60_000, 0.01, None, [sample])
        )
    store.write(records)


def api_ms(client: TestClient, selector: str) -> float:
    params = {"metric": "node_os_info", "match[]": selector}
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get("/api/v1/query_range", params=params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(times)


def match_us(pattern: str, text: str) -> float:
    """Microseconds of one RE2 match of ``pattern`` against ``text`` (median of RUNS)."""
    regex = Regex(pattern)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        regex.matches(text)
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def python_re_s(pattern: str, length: int) -> str:
    """Seconds Python's re takes on the first ``length`` characters, or "> TIMEOUT_S"."""
    code = (
        "import re, time; t = time.perf_counter(); "
        f"re.fullmatch({pattern!r}, ('Debian GNU/Linux 12 (bookworm) ' * 200)[:{length}], re.S); "
        "print(time.perf_counter() - t)"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return f"> {TIMEOUT_S:.0f} s"
    return f"{float(done.stdout):.3f} s"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Storage.open(f"sqlite:///{Path(folder) / 'bench.db'}")
        store.upgrade()
        seed(store)
        settings = Settings(allowed_hosts=("testserver",), open_without_users=True)
        client = TestClient(create_app(store, settings))
        print(f"{SERVERS} servers, pretty_name of {LABEL_LENGTH:,} characters, median of {RUNS}")
        print(f"no regex ({BASELINE}): query_range {api_ms(client, BASELINE):.2f} ms")
        print(f"{'pattern':<14} {'query_range':>12} {'one match':>10}   Python re, 16/20/24 chars")
        for pattern in PATTERNS:
            anchor = " / ".join(python_re_s(pattern, length) for length in (16, 20, 24))
            took = api_ms(client, f'{{pretty_name=~"{pattern}"}}')
            print(f"{pattern:<14} {took:>9.2f} ms {match_us(pattern, NAME):>7.1f} us   {anchor}")
        store.close()


if __name__ == "__main__":
    main()

"""A file ``db import``ed answers PromQL as the same file backfilled into Debian's Prometheus
by ``promtool tsdb create-blocks-from openmetrics`` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from bench.day import backfill, prometheus, write_openmetrics
from model.clock import now_ms
from model.samples import Sample
from scraper.cli import main
from storage import Storage
from tests.conftest import require_tool
from tests.promql.compare import difference
from web.app import create_app
from web.http.state import Settings

pytestmark = pytest.mark.slow

SETTINGS = Settings(allowed_hosts=("testserver",), open_without_users=True)
HOUR_MS = 3_600_000
STEP_MS = 60_000
END_MS = now_ms() // HOUR_MS * HOUR_MS - 24 * HOUR_MS
START_MS = END_MS - 6 * HOUR_MS
QUERIES = [
    "rate(demo_events_total[10m])",
    'sum by (job) (increase(demo_events_total{host=~"a|b"}[30m]))',
    "max_over_time(demo_temperature_celsius[20m])",
]


def samples_at(t: int) -> list[Sample]:
    """Counters at their own rates, one reset at the third hour; a gauge that swings."""
    step = (t - START_MS) // STEP_MS
    since_reset = step - 180 if step >= 180 else step
    return [
        *(
            Sample("demo_events_total", (("host", h), ("job", "node")), rate * since_reset)
            for h, rate in (("a", 3.0), ("b", 0.25))
        ),
        Sample("demo_temperature_celsius", (("host", "a"), ("job", "node")), 40 + step % 17 / 4),
    ]


@pytest.fixture
def day_file(tmp_path: Path) -> Path:
    path = tmp_path / "day.om"
    with path.open("w") as out:
        out.write("# TYPE demo_events counter\n# TYPE demo_temperature_celsius gauge\n")
        for t in range(START_MS, END_MS + 1, STEP_MS):
            write_openmetrics(out, samples_at(t), t)
        out.write("# EOF\n")
    return path


def test_an_imported_file_answers_promql_as_prometheus_does_with_the_file_backfilled(
    database_url: str, day_file: Path, tmp_path: Path
) -> None:
    require_tool("promtool")
    require_tool("prometheus")
    assert main(["db", "import", str(day_file), "--database-url", database_url]) == 0
    backfill(day_file, tmp_path / "data")
    window = {"start": str(START_MS // 1000), "end": str(END_MS // 1000), "step": "300"}

    with (
        Storage.open(database_url) as store,
        TestClient(create_app(store, SETTINGS)) as ours,
        prometheus(tmp_path / "data", tmp_path) as theirs,
    ):
        answers = [
            (query, _ours(ours, {"query": query, **window}), _theirs(theirs, query, window))
            for query in QUERIES
        ]

    assert all(theirs["result"] for _, _, theirs in answers)  # Prometheus has the data
    assert [(q, difference(mine, theirs)) for q, mine, theirs in answers] == [
        (q, None) for q in QUERIES
    ]


def _ours(client: TestClient, params: dict[str, str]) -> dict[str, Any]:
    response = client.get("/prometheus/api/v1/query_range", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def _theirs(api: str, query: str, window: dict[str, str]) -> dict[str, Any]:
    response = httpx.get(f"{api}/query_range", params={"query": query, **window}, timeout=60)
    response.raise_for_status()
    data: dict[str, Any] = response.json()["data"]
    return data

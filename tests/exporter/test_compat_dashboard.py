"""Grafana's "Node Exporter Full" dashboard works on hostwatch as it does on node_exporter.

A real Prometheus scrapes both exporters every second; every panel query that returns data for
node_exporter (job "node") must return data for hostwatch (job "hostwatch").
"""

import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import require_tool, unavailable
from tests.exporter.compat import hostwatch, node_exporter, running
from tests.exporter.serving import free_port

pytestmark = pytest.mark.slow

QUERIES = Path("/work/shared/grafana/node-exporter-full.queries")
RATE_INTERVAL = "15s"  # Grafana's $__rate_interval: four scrape intervals, here at least 15 s
SCRAPES = 5  # samples of each target before querying, so every rate has two or more points

# Queries node_exporter answers and hostwatch does not, each with the reason.
NODE_EXPORTER_ONLY: dict[str, str] = {}

CONFIG = """global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs: [{{targets: ["{node}"]}}]
  - job_name: hostwatch
    static_configs: [{{targets: ["{hostwatch}"]}}]
"""


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """(Prometheus's API URL, node_exporter's address, hostwatch's address), both scraped."""
    binary = require_tool("prometheus")
    workdir = tmp_path_factory.mktemp("prometheus")
    with node_exporter(workdir) as node, hostwatch() as ours:
        config = workdir / "prometheus.yml"
        config.write_text(CONFIG.format(node=node, hostwatch=ours))
        address = f"127.0.0.1:{free_port()}"
        argv = [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address={address}",
        ]
        with running(argv, f"http://{address}/-/ready", workdir / "prometheus.log"):
            api = f"http://{address}/api/v1"
            wait_for_scrapes(api)
            yield api, node, ours


def wait_for_scrapes(api: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        counts = query(api, "count_over_time(up[1m]) and up == 1")
        if len(counts) == 2 and all(float(row["value"][1]) >= SCRAPES for row in counts):
            return
        time.sleep(0.5)
    pytest.fail(f"Prometheus did not scrape both exporters {SCRAPES} times within 60 s")


def query(api: str, promql: str) -> list[dict[str, Any]]:
    """The query's result now; a scalar that is NaN (``scalar()`` of nothing) counts as none."""
    response = httpx.get(f"{api}/query", params={"query": promql}, timeout=30)
    response.raise_for_status()
    data = response.json()["data"]
    if data["resultType"] == "scalar":
        return [] if math.isnan(float(data["result"][1])) else [{"value": data["result"]}]
    result: list[dict[str, Any]] = data["result"]
    return result


def panel_queries() -> list[str]:
    if not QUERIES.exists():
        unavailable(str(QUERIES))
    lines = QUERIES.read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def for_target(promql: str, job: str, instance: str) -> str:
    return (
        promql.replace("$__rate_interval", RATE_INTERVAL)
        .replace("$node", instance)
        .replace("$job", job)
    )


def test_every_panel_query_with_node_exporter_data_has_hostwatch_data(
    prometheus: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    api, node, ours = prometheus
    answered = [q for q in panel_queries() if query(api, for_target(q, "node", node))]
    missing = [q for q in answered if not query(api, for_target(q, "hostwatch", ours))]
    with capsys.disabled():
        print(
            f"\n{len(answered)} queries return data for node_exporter, "
            f"{len(answered) - len(missing)} of them for hostwatch"
        )
    assert [q for q in missing if q not in NODE_EXPORTER_ONLY] == []

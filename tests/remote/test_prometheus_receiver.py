"""End to end with the real thing: a real hostwatch-scraper scrapes Debian's node_exporter and
remote-writes to Debian's Prometheus started with --web.enable-remote-write-receiver."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from storage import Storage
from tests.conftest import require_tool
from tests.exporter.compat import node_exporter, running
from tests.exporter.serving import free_port
from tests.remote.pushing import SCRAPER_START_S
from tests.scraper.test_cli import SCRAPER
from tests.storage.conftest import select_rows

T = TypeVar("T")
TARGETS = """\
scrape_configs:
  - job_name: node
    scrape_interval: 1s
    static_configs: [{{targets: ["{node}"]}}]
remote_write:
  - url: http://{prometheus}/api/v1/write
    name: tsdb
    queue_config: {{batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}}
"""
OUTAGE_S = 15
Series = tuple[tuple[str, str], ...]


def eventually(probe: Callable[[], T | None], seconds: float = 60.0) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (found := probe()) is not None:
            return found
        time.sleep(0.5)
    pytest.fail(f"not seen within {seconds:g} s")


@contextmanager
def prometheus(workdir: Path, address: str) -> Iterator[str]:
    """Prometheus receiving remote write on ``address`` (its data kept in ``workdir``)."""
    (workdir / "prometheus.yml").write_text("scrape_configs: []\n")
    argv = [
        require_tool("prometheus"),
        f"--config.file={workdir / 'prometheus.yml'}",
        f"--storage.tsdb.path={workdir / 'tsdb'}",
        f"--web.listen-address={address}",
        "--web.enable-remote-write-receiver",
    ]
    with running(argv, f"http://{address}/-/ready", workdir / "prometheus.log"):
        yield f"http://{address}/api/v1"


@pytest.fixture
def shipping(tmp_path: Path) -> Iterator[tuple[str, str, str, str]]:
    """(node_exporter's address, Prometheus's address, the scraper's database URL, its
    /metrics URL) with the scraper running, shipping its samples to Prometheus."""
    url = f"sqlite:///{tmp_path / 'hostwatch.db'}"
    address, metrics = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    with node_exporter(tmp_path) as node:
        (tmp_path / "targets.yml").write_text(TARGETS.format(node=node, prometheus=address))
        argv = [
            *SCRAPER,
            *("--config", str(tmp_path / "targets.yml"), "--database-url", url),
            *("--listen", metrics),
        ]
        with running(argv, f"http://{metrics}/metrics", tmp_path / "scraper.log", SCRAPER_START_S):
            yield node, address, url, f"http://{metrics}/metrics"


def samples_at(api: str, t_ms: int) -> dict[Series, str]:
    """Every series of job node with its sample at exactly ``t_ms`` (its value's repr), from
    Prometheus."""
    found = httpx.get(f"{api}/query", params={"query": '{job="node"}[3s]', "time": t_ms / 1000})
    values = {}
    for item in found.json()["data"]["result"]:
        for t, value in item["values"]:
            if round(float(t) * 1000) == t_ms:
                values[tuple(sorted(item["metric"].items()))] = repr(float(value))
    return values


def stored_at(store: Storage, node: str) -> tuple[int, dict[Series, str]]:
    """(the last scrape's time, every series of it with its value) from hostwatch's store."""
    target = store.target("node", node)
    assert target is not None
    assert target.last_seen_ms is not None
    latest = [s for s in store.latest("node", node) if s.timestamp_ms == target.last_seen_ms]
    return target.last_seen_ms, {
        tuple(sorted({"__name__": s.series.name, **dict(s.series.labels)}.items())): repr(s.value)
        for s in latest
    }


@pytest.mark.slow
def test_every_scraped_series_arrives_in_prometheus_with_the_same_values(
    tmp_path: Path, shipping: tuple[str, str, str, str]
) -> None:
    node, address, url, _ = shipping
    with prometheus(tmp_path, address) as api, Storage.open(url) as store:
        eventually(lambda: (found := store.target("node", node)) and found.last_seen_ms)
        t_ms, ours = stored_at(store, node)
        theirs = eventually(
            lambda: samples_at(api, t_ms) if len(samples_at(api, t_ms)) >= len(ours) else None
        )
    assert len(ours) > 300
    assert theirs == ours


@pytest.mark.slow
def test_the_samples_of_an_outage_of_the_receiver_arrive_after_it_counted_as_retried(
    tmp_path: Path, shipping: tuple[str, str, str, str]
) -> None:
    _, address, url, metrics = shipping
    with prometheus(tmp_path, address):
        eventually(lambda: _metric(metrics, "prometheus_remote_storage_samples_total") or None)
    stopped_ms = time.time_ns() // 1_000_000
    time.sleep(OUTAGE_S)
    restarted_ms = time.time_ns() // 1_000_000
    with prometheus(tmp_path, address) as api:
        scrapes = _scrapes(url, stopped_ms, restarted_ms)
        received = eventually(lambda: _arrived(api, stopped_ms, restarted_ms, scrapes))
        retried = _metric(metrics, "prometheus_remote_storage_samples_retried_total")
        failed = _metric(metrics, "prometheus_remote_storage_samples_failed_total")
    assert len(scrapes) >= OUTAGE_S - 2
    assert received == scrapes
    assert (retried > 0, failed) == (True, 0.0)


def _scrapes(url: str, start_ms: int, end_ms: int) -> list[int]:
    """The times hostwatch stored ``up`` of job node between the two."""
    rows = select_rows(
        url,
        "SELECT s.t FROM samples s JOIN series x ON x.id = s.series_id "
        f"WHERE x.name = 'up' AND s.t BETWEEN {start_ms} AND {end_ms} ORDER BY s.t",
    )
    return [int(row[0]) for row in rows]


def _arrived(api: str, start_ms: int, end_ms: int, wanted: list[int]) -> list[int] | None:
    window = f"{(end_ms - start_ms) // 1000 + 2}s"
    found = httpx.get(
        f"{api}/query", params={"query": f'up{{job="node"}}[{window}]', "time": end_ms / 1000}
    )
    result = found.json()["data"]["result"]
    times = [round(float(t) * 1000) for t, _ in result[0]["values"]] if result else []
    inside = [t for t in times if start_ms <= t <= end_ms]
    return inside if inside == wanted else None


def _metric(url: str, name: str) -> float:
    total = 0.0
    for line in httpx.get(url).text.splitlines():
        if line.startswith((name + "{", name + " ")):
            total += float(line.rsplit(" ", 1)[1])
    return total

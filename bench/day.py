"""One day of real node_exporter samples: as hostwatch's scraper stores them, as the
OpenMetrics file `promtool tsdb create-blocks-from openmetrics` backfills, and Debian's
Prometheus serving the backfilled blocks.

Debian's prometheus-node-exporter is scraped ``count`` times (as fast as it answers unless
paused), and the scrapes are stamped INTERVAL_MS apart, ending at ``end_ms``: a day of samples
at a 2-minute scrape interval in about a minute. bench/density.py, bench/promql.py and the
PromQL yardstick (tests/promql) use it.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx

from bench.exporter import free_port, started, wait_up
from model.samples import Sample
from scraper.parser.body import parse
from scraper.parser.cache import ScrapeCache
from storage import ScrapeRecord, Storage

DAY_SCRAPES = int(os.environ.get("HOSTWATCH_DAY_SCRAPES", "720"))
INTERVAL_MS = 120_000
JOB = "node"
WRITE_BATCH = 20  # scrapes per storage write, as the scraper batches them
CONFIG = "global:\n  scrape_interval: 2m\n  evaluation_interval: 1m\n"
READY_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Day:
    """``instance`` is the node_exporter's address; the samples end at ``end_ms``."""

    instance: str
    end_ms: int


def tool(name: str) -> str:
    """The path of the executable ``name`` (Debian packages prometheus, and
    prometheus-node-exporter)."""
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is not installed (Debian: prometheus, prometheus-node-exporter)")
    return path


def scrapes(end_ms: int, count: int = DAY_SCRAPES, pause_s: float = 0.0) -> Iterator[ScrapeRecord]:
    """``count`` node_exporter scrapes as the scraper stores them, the last stamped ``end_ms``."""
    address = f"127.0.0.1:{free_port()}"
    url = f"http://{address}/metrics"
    cache = ScrapeCache()
    binary = tool("prometheus-node-exporter")
    with started([binary, f"--web.listen-address={address}"]), httpx.Client(timeout=10) as client:
        wait_up(client, url)
        for index in range(count):
            response = client.get(url)
            response.raise_for_status()
            parsed = parse(response.text, cache=cache)
            samples = [_targeted(s, address) for s in parsed.samples]
            t = end_ms - (count - 1 - index) * INTERVAL_MS
            yield ScrapeRecord(JOB, address, (), t, 0.01, None, samples, parsed.metadata)
            time.sleep(pause_s)


def _targeted(sample: Sample, instance: str) -> Sample:
    labels = dict(sample.labels)
    labels.update(job=JOB, instance=instance)
    return Sample(sample.name, tuple(sorted(labels.items())), sample.value)


def capture(workdir: Path, storage: Storage, count: int = DAY_SCRAPES) -> tuple[Day, Path]:
    """The day up to the last 10-minute boundary, written to ``storage`` in batches and to an
    OpenMetrics file (returned)."""
    end_ms = (time.time_ns() // 1_000_000) // 600_000 * 600_000
    openmetrics = workdir / "day.om"
    instance = ""
    with open(openmetrics, "w") as out:
        batch: list[ScrapeRecord] = []
        for record in scrapes(end_ms, count):
            instance = record.instance
            batch.append(record)
            write_openmetrics(out, record.samples, record.timestamp_ms)
            if len(batch) == WRITE_BATCH or record.timestamp_ms == end_ms:
                storage.write(batch)
                batch = []
        out.write("# EOF\n")
    return Day(instance, end_ms), openmetrics


def write_openmetrics(out: TextIO, samples: Sequence[Sample], t: int) -> None:
    """One scrape's samples as OpenMetrics lines stamped ``t`` (ms), every family untyped."""
    seconds = f"{t / 1000:.3f}"
    out.writelines(
        f"{s.name}{{{labels_text(s.labels)}}} {number(s.value)} {seconds}\n" for s in samples
    )


def labels_text(labels: Sequence[tuple[str, str]]) -> str:
    return ",".join(f'{name}="{_escaped(value)}"' for name, value in labels)


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


def backfill(openmetrics: Path, data: Path) -> None:
    """``openmetrics`` into TSDB blocks in ``data``, by promtool."""
    argv = [tool("promtool"), "tsdb", "create-blocks-from", "openmetrics", "-q"]
    subprocess.run([*argv, str(openmetrics), str(data)], check=True, capture_output=True)


@contextmanager
def prometheus(data: Path, workdir: Path) -> Iterator[str]:
    """Debian's Prometheus serving ``data``; yields its API URL (.../api/v1)."""
    config = workdir / "prometheus.yml"
    config.write_text(CONFIG)
    address = f"127.0.0.1:{free_port()}"
    argv = [
        tool("prometheus"),
        f"--config.file={config}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address={address}",
        "--storage.tsdb.retention.time=30d",
    ]
    with started(argv) as child, httpx.Client(timeout=5) as client:
        _ready(child, client, f"http://{address}/-/ready")
        yield f"http://{address}/api/v1"


def _ready(child: subprocess.Popen[bytes], client: httpx.Client, url: str) -> None:
    """Until ``url`` answers 200 (503 while Prometheus opens its blocks)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"{child.args!r} exited with {child.returncode}")
        if _answers(client, url):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{child.args!r} not ready at {url} after {READY_TIMEOUT_S:g}s")


def _answers(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.TransportError:  # not listening yet
        return False

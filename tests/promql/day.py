"""One day of real node_exporter samples, in hostwatch's storage and in a real Prometheus.

Debian's prometheus-node-exporter is scraped DAY_SCRAPES times as fast as it answers, and the
scrapes are stamped INTERVAL_MS apart, ending on a 10-minute boundary: a day of samples at a
2-minute scrape interval in about a minute. Each scrape goes into hostwatch's storage as the
scraper would write it, and into an OpenMetrics file that `promtool tsdb create-blocks-from
openmetrics` backfills into a Prometheus data directory; then Prometheus serves it.
"""

from __future__ import annotations

import math
import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from model.samples import Metadata, Sample
from scraper.parser.body import parse
from scraper.parser.cache import ScrapeCache
from storage import ScrapeRecord, Storage
from tests.conftest import require_tool
from tests.exporter.compat import node_exporter, running, scrape
from tests.exporter.serving import free_port

DAY_SCRAPES = int(os.environ.get("HOSTWATCH_DAY_SCRAPES", "720"))
INTERVAL_MS = 120_000
JOB = "node"
WRITE_BATCH = 20  # scrapes per storage write, as the scraper batches them
CONFIG = "global:\n  scrape_interval: 2m\n  evaluation_interval: 1m\n"


@dataclass(frozen=True, slots=True)
class Day:
    """``instance`` is the node_exporter's address; the samples end at ``end_ms``."""

    instance: str
    end_ms: int


def capture(workdir: Path, storage: Storage, scrapes: int = DAY_SCRAPES) -> tuple[Day, Path]:
    """The day, written to ``storage`` and to an OpenMetrics file (returned)."""
    end_ms = (time.time_ns() // 1_000_000) // 600_000 * 600_000
    openmetrics = workdir / "day.om"
    cache = ScrapeCache()
    with node_exporter(workdir) as address, open(openmetrics, "w") as out:
        batch: list[ScrapeRecord] = []
        for index in range(scrapes):
            t = end_ms - (scrapes - 1 - index) * INTERVAL_MS
            parsed = parse(scrape(address), cache=cache)
            samples = [_targeted(s, address) for s in parsed.samples]
            batch.append(_record(address, t, samples, parsed.metadata))
            write_openmetrics(out, samples, t)
            if len(batch) == WRITE_BATCH or index == scrapes - 1:
                storage.write(batch)
                batch = []
        out.write("# EOF\n")
    return Day(address, end_ms), openmetrics


def _targeted(sample: Sample, instance: str) -> Sample:
    labels = dict(sample.labels)
    labels.update(job=JOB, instance=instance)
    return Sample(sample.name, tuple(sorted(labels.items())), sample.value)


def _record(
    instance: str, t: int, samples: list[Sample], metadata: dict[str, Metadata]
) -> ScrapeRecord:
    return ScrapeRecord(JOB, instance, (), t, 0.01, None, samples, metadata)


def write_openmetrics(out: TextIO, samples: Sequence[Sample], t: int) -> None:
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
    promtool = require_tool("promtool")
    argv = [
        promtool,
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        "-q",
        str(openmetrics),
        str(data),
    ]
    subprocess.run(argv, check=True, capture_output=True, timeout=600)


@contextmanager
def prometheus(data: Path, workdir: Path) -> Iterator[str]:
    """Debian's Prometheus serving ``data``; yields its API URL (.../api/v1)."""
    binary = require_tool("prometheus")
    config = workdir / "prometheus.yml"
    config.write_text(CONFIG)
    address = f"127.0.0.1:{free_port()}"
    argv = [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address={address}",
        "--storage.tsdb.retention.time=30d",
    ]
    with running(argv, f"http://{address}/-/ready", workdir / "prometheus.log"):
        yield f"http://{address}/api/v1"

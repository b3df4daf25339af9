"""One big scrape (#11 item 2): the real scraper process, with the default limits, against real
hostile targets on 127.0.0.1 beside a healthy one. Its memory stays under the documented budget
and the healthy target's every scrape is stored, on time."""

from __future__ import annotations

import itertools
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from storage import Storage
from tests.exporter.serving import free_port
from tests.scraper.hostile import Bodies, serving
from tests.scraper.process import SCRAPER, stop, up_samples, wait_for

pytestmark = pytest.mark.slow
BUDGET_MB = 400
MILLION = b"".join(b"m%03d 1\n" % (i % 1000) for i in range(1_050_000))
"""1,050,000 four-character samples, 7.35 MB: under the 10 MiB body limit, over sample_limit."""
WIDE_TARGETS = 4
WIDE = b"".join(b'w{v="%0200d"} 1\n' % i for i in range(49_000)) + b"w{ broken\n"
"""10.3 MB: 49,000 samples under sample_limit, each with a 200-character label value, all in
flight until the last line fails the parse."""


@pytest.fixture
def targets() -> Iterator[tuple[Bodies, list[Bodies]]]:
    """A healthy target, then the hostile ones: the million twice (the second one's job has no
    sample_limit), then the wide ones."""
    with ExitStack() as stack:
        healthy = stack.enter_context(serving())
        healthy.serve("/metrics", "good 1\n")
        hostile = []
        for _ in range(2):
            million = stack.enter_context(serving())
            million.serve("/metrics", MILLION)
            hostile.append(million)
        for _ in range(WIDE_TARGETS):
            wide = stack.enter_context(serving())
            wide.serve("/metrics", WIDE)
            hostile.append(wide)
        yield healthy, hostile


def config(healthy: Bodies, hostile: list[Bodies]) -> str:
    """Default limits and buffer; intervals short so that a few seconds hold many scrapes."""
    listed = ", ".join(f'"{target.address}"' for target in [hostile[0], *hostile[2:]])
    return (
        "scrape_configs:\n"
        "  - job_name: healthy\n    scrape_interval: 1s\n    scrape_timeout: 1s\n"
        f'    static_configs:\n      - targets: ["{healthy.address}"]\n'
        "  - job_name: hostile\n    scrape_interval: 2s\n    scrape_timeout: 2s\n"
        f"    static_configs:\n      - targets: [{listed}]\n"
        "  - job_name: unlimited\n    scrape_interval: 2s\n    scrape_timeout: 2s\n"
        "    sample_limit: 0\n"
        f'    static_configs:\n      - targets: ["{hostile[1].address}"]\n'
    )


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_hostile_targets_keep_the_scraper_under_budget_and_the_healthy_target_whole(
    tmp_path: Path, targets: tuple[Bodies, list[Bodies]]
) -> None:
    healthy, hostile = targets
    url = f"sqlite:///{tmp_path / 'hostwatch.db'}"
    (tmp_path / "targets.yml").write_text(config(healthy, hostile))
    flags = ["--config", str(tmp_path / "targets.yml"), "--database-url", url]
    flags += ["--listen", f"127.0.0.1:{free_port()}", "--spill-dir", str(tmp_path / "spill")]
    scraper = subprocess.Popen([*SCRAPER, *flags], stderr=subprocess.PIPE)
    try:
        wait_for(lambda: min(t.requests for t in hostile) >= 4, 90, "4 scrapes of each hostile")
        peak = peak_rss_mb(scraper.pid)
        until_ms = int(time.time() * 1000)
    finally:
        stderr = stop(scraper).decode()
    scraped = healthy.requests
    stored = up_samples(url, healthy.address, until_ms + 60_000)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(stored)]
    print(f"peak {peak:.0f} MB, healthy {len(stored)}/{scraped} stored, max gap {max(gaps)} ms")
    assert peak < BUDGET_MB, stderr[-2000:]
    # SIGTERM may cancel one scrape in flight, answered but never handed to the buffer.
    assert scraped - 1 <= len(stored) <= scraped
    assert {value for _, value in stored} == {1.0}
    store = Storage.open(url)
    try:
        million = store.target("hostile", hostile[0].address)
        unlimited = store.target("unlimited", hostile[1].address)
        wide = [store.target("hostile", target.address) for target in hostile[2:]]
    finally:
        store.close()
    assert million is not None
    assert million.last_error == "1,050,000 samples over sample_limit 50,000"
    assert unlimited is not None
    assert "(--scrape-memory)" in (unlimited.last_error or "")
    # Each wide body fails at its last line, or earlier on its share of the scrape memory.
    assert all(target is not None and target.health == "down" for target in wide)

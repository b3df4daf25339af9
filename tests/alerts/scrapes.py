"""Scrape records as the scrape loop makes them, stating only what a test is about."""

from __future__ import annotations

import time
from collections.abc import Sequence

from model.samples import Labels, Sample
from storage import ScrapeRecord

T0 = 1_750_075_200_000  # 2025-06-16T12:00:00Z
SECOND = 1000
MINUTE = 60 * SECOND


def now_ms() -> int:
    """The wall clock, for tests where the service runs on its own timer."""
    return time.time_ns() // 1_000_000


def target_labels(instance: str = "web1:9100", **extra: str) -> Labels:
    return tuple(sorted({"job": "node", "instance": instance, **extra}.items()))


def scrape(
    samples: Sequence[tuple[str, float] | tuple[str, float, dict[str, str]]] = (),
    *,
    t: int = T0,
    instance: str = "web1:9100",
    error: str | None = None,
    **extra: str,
) -> ScrapeRecord:
    """One scrape of ``instance``; each sample is (name, value) or (name, value, labels); ``up``
    and the target labels (job, instance, ``extra``) are added as the scrape loop adds them."""
    target = target_labels(instance, **extra)
    found = [_sample(item, target) for item in samples]
    found.append(Sample("up", target, 0.0 if error else 1.0))
    return ScrapeRecord("node", instance, target, t, 0.1, error, found)


def _sample(item: tuple[str, float] | tuple[str, float, dict[str, str]], target: Labels) -> Sample:
    own = item[2] if len(item) == 3 else {}
    return Sample(item[0], tuple(sorted({**dict(target), **own}.items())), item[1])


def node(
    memory_used: float = 0.5, cpu_busy_s: float = 0.0, idle_s: float = 0.0
) -> list[tuple[str, float] | tuple[str, float, dict[str, str]]]:
    """The node_exporter series the derived values read: memory and one CPU's counters."""
    return [
        ("node_memory_MemTotal_bytes", 100.0),
        ("node_memory_MemAvailable_bytes", 100.0 * (1 - memory_used)),
        ("node_cpu_seconds_total", idle_s, {"cpu": "0", "mode": "idle"}),
        ("node_cpu_seconds_total", cpu_busy_s, {"cpu": "0", "mode": "user"}),
    ]

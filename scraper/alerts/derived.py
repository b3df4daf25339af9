"""The values rules watch, read from one scrape: raw series by metric name, plus the derived
``cpu_percent``, ``memory_percent`` and ``filesystem_used_percent`` computed as the dashboards
compute them. CPU needs the previous scrape's counters, kept here per target in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from model import host
from model.samples import Labels
from model.staleness import is_stale
from storage import ScrapeRecord

Reading = tuple[Labels, float]
Values = dict[str, list[Reading]]
TargetKey = tuple[str, str]
_SOURCES = {
    "cpu_percent": ("node_cpu_seconds_total",),
    "memory_percent": (host.MEMORY_TOTAL, host.MEMORY_AVAILABLE),
    "filesystem_used_percent": (host.FILESYSTEM_SIZE, host.FILESYSTEM_AVAILABLE),
}


def sources(metrics: Collection[str]) -> frozenset[str]:
    """The scraped metric names needed to compute ``metrics``."""
    return frozenset(name for metric in metrics for name in _SOURCES.get(metric, (metric,)))


class Deriver:
    """Turns a scrape into the values of the metrics rules ask for."""

    def __init__(self) -> None:
        self._cpu: dict[TargetKey, tuple[float, float]] = {}

    def values(self, record: ScrapeRecord, wanted: frozenset[str]) -> Values:
        """Readings per metric; a metric the scrape says nothing about is absent, not empty."""
        raw: Values = defaultdict(list)
        for sample in record.samples:
            # A stale marker says the series is gone: no reading (a failed scrape marks all).
            if sample.name in wanted and not is_stale(sample.value):
                raw[sample.name].append((sample.labels, sample.value))
        target = record.labels
        derived = {
            "cpu_percent": self._cpu_percent(record, raw),
            "memory_percent": _memory_percent(raw, target),
            "filesystem_used_percent": _filesystems(raw),
        }
        return {**raw, **{name: found for name, found in derived.items() if found is not None}}

    def forget(self, keep: Collection[TargetKey]) -> None:
        """Drop the counters of targets no longer scraped."""
        self._cpu = {key: value for key, value in self._cpu.items() if key in keep}

    def _cpu_percent(self, record: ScrapeRecord, raw: Values) -> list[Reading] | None:
        counters = raw.get("node_cpu_seconds_total")
        if not counters:
            return None
        total = sum(value for _, value in counters)
        idle = sum(value for labels, value in counters if ("mode", "idle") in labels)
        key = (record.job, record.instance)
        before, self._cpu[key] = self._cpu.get(key), (total, idle)
        if before is None or total <= before[0]:  # first scrape, or counters were reset
            return None
        busy = 1 - (idle - before[1]) / (total - before[0])
        return [(record.labels, 100 * busy)]


def _memory_percent(raw: Values, target: Labels) -> list[Reading] | None:
    total, available = raw.get(host.MEMORY_TOTAL), raw.get(host.MEMORY_AVAILABLE)
    percent = host.used_percent(total[0][1], available[0][1]) if total and available else None
    return None if percent is None else [(target, percent)]


def _filesystems(raw: Values) -> list[Reading] | None:
    sizes = raw.get(host.FILESYSTEM_SIZE)
    if sizes is None:
        return None
    free = dict(raw.get(host.FILESYSTEM_AVAILABLE, []))
    used = ((labels, host.used_percent(size, free.get(labels))) for labels, size in sizes)
    return [
        (labels, percent)
        for labels, percent in used
        if percent is not None and host.is_disk(dict(labels))
    ]

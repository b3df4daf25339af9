"""The values rules watch, read from one scrape: raw series by metric name, plus the derived
``cpu_percent``, ``memory_percent`` and ``filesystem_used_percent`` computed as the dashboards
compute them. CPU needs the previous scrape's counters, kept here per target in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from model.samples import Labels
from storage import ScrapeRecord

Reading = tuple[Labels, float]
Values = dict[str, list[Reading]]
TargetKey = tuple[str, str]
# Space that cannot fill up or belongs to no disk: alerting on it would wake people for nothing.
PSEUDO_FILESYSTEMS = frozenset({"tmpfs", "ramfs", "devtmpfs", "squashfs", "overlay", "nsfs"})
_SOURCES = {
    "cpu_percent": ("node_cpu_seconds_total",),
    "memory_percent": ("node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes"),
    "filesystem_used_percent": ("node_filesystem_size_bytes", "node_filesystem_avail_bytes"),
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
            if sample.name in wanted:
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
    total, available = (
        raw.get("node_memory_MemTotal_bytes"),
        raw.get("node_memory_MemAvailable_bytes"),
    )
    if not (total and available) or total[0][1] <= 0:
        return None
    return [(target, 100 * (1 - available[0][1] / total[0][1]))]


def _filesystems(raw: Values) -> list[Reading] | None:
    sizes = raw.get("node_filesystem_size_bytes")
    if sizes is None:
        return None
    free = dict(raw.get("node_filesystem_avail_bytes", []))
    return [
        (labels, 100 * (1 - free[labels] / size))
        for labels, size in sizes
        if size > 0 and labels in free and dict(labels).get("fstype") not in PSEUDO_FILESYSTEMS
    ]

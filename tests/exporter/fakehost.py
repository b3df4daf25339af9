"""A fake /proc, /sys and / tree for collector tests: a few files written where the kernel would."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.host import Host


class FakeHost:
    """Builds the tree under ``root`` file by file; ``host`` is what collectors read."""

    def __init__(self, root: Path) -> None:
        self.host = Host(procfs=root / "proc", sysfs=root / "sys", rootfs=root / "root")

    def proc(self, relative: str, text: str) -> None:
        _write(self.host.proc(relative), text)

    def sys(self, relative: str, text: str) -> None:
        _write(self.host.sys(relative), text)

    def root(self, relative: str, text: str) -> None:
        _write(self.host.root(relative), text)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def samples(collector: HostCollector) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample the collector yields now, keyed by (sample name, sorted labels)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in collector.collect()
        for sample in family.samples
    }


def families(collector: HostCollector) -> dict[str, Metric]:
    return {family.name: family for family in collector.collect()}

"""A server's containers and systemd services, from cAdvisor-named series (hostwatch's cgroups
collector, or cAdvisor itself): the table rows and the charts of the containers picked.

Figures are over the five minutes before the target's last
successful scrape, like the headline: CPU in % of one core (as ``docker stats``), memory as
the working set (what the kernel cannot simply drop, as ``docker stats`` and kubectl show it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from model.matchers import Matcher
from storage import Function, TargetHealth
from web.views import dashboard, headline
from web.views.charts import Chart, Line
from web.views.reads import Ranges
from web.views.workloads import display_name, is_service

CPU = "container_cpu_usage_seconds_total"
MEMORY = "container_memory_working_set_bytes"
LIMIT = "container_spec_memory_limit_bytes"
READS, WRITES = "container_fs_reads_bytes_total", "container_fs_writes_bytes_total"
RECEIVED = "container_network_receive_bytes_total"
SENT = "container_network_transmit_bytes_total"
SEEN = "container_last_seen"
WANTED: tuple[tuple[str, Function], ...] = (
    (SEEN, "last"),
    (CPU, "rate"),
    (MEMORY, "last"),
    (LIMIT, "last"),
    (READS, "rate"),
    (WRITES, "rate"),
    (RECEIVED, "rate"),
    (SENT, "rate"),
)
CHARTED = 5
"""Containers charted when none is picked: the busiest by CPU."""
MAX_PICKED = 10
"""Containers charted at most: each adds a line to four charts."""


@dataclass(frozen=True, slots=True)
class Workload:
    """One container or service; None where the exporter reports no such figure."""

    id: str  # the cgroup path
    name: str
    image: str
    cpu_percent: float | None
    memory_bytes: float | None
    limit_bytes: float | None  # None: no limit
    read_rate: float | None
    write_rate: float | None
    receive_rate: float | None
    transmit_rate: float | None


@dataclass(frozen=True, slots=True)
class Workloads:
    containers: list[Workload]
    services: list[Workload]


def of(storage: Ranges, target: TargetHealth) -> Workloads:
    """The containers (busiest first) and services (by name) of ``target``'s last scrapes."""
    if target.last_seen_ms is None:
        return Workloads([], [])
    mine = [Matcher("job", "=", target.job), Matcher("instance", "=", target.instance)]
    found = headline.readings(storage, WANTED, mine, target.last_seen_ms)
    key = (target.job, target.instance)
    seen, cpu, memory, limit, *rates = (_by_id(readings.get(key, [])) for readings in found)
    rows = [
        Workload(
            cgroup,
            display_name(cgroup, labels),
            labels.get("image", ""),
            None if cpu.get(cgroup) is None else 100 * cpu[cgroup][1],
            _value(memory, cgroup),
            _value(limit, cgroup) or None,  # cAdvisor's 0: no limit
            *(_value(rate, cgroup) for rate in rates),
        )
        for cgroup, (labels, _) in seen.items()
    ]
    return Workloads(
        sorted((r for r in rows if not is_service(r.id)), key=lambda r: -(r.cpu_percent or 0)),
        sorted((r for r in rows if is_service(r.id)), key=lambda r: r.name),
    )


Reading = tuple[dict[str, str], float]


def _by_id(readings: Iterable[Reading]) -> dict[str, Reading]:
    """Per cgroup, its labels and its value summed over devices or interfaces."""
    labels: dict[str, dict[str, str]] = {}
    totals: dict[str, float] = defaultdict(float)
    for found, value in readings:
        cgroup = found.get("id", "")
        labels.setdefault(cgroup, found)
        totals[cgroup] += value
    return {cgroup: (labels[cgroup], total) for cgroup, total in totals.items()}


def _value(readings: Mapping[str, Reading], cgroup: str) -> float | None:
    found = readings.get(cgroup)
    return None if found is None else found[1]


def picked(containers: Sequence[Workload], asked: Sequence[str]) -> list[Workload]:
    """The containers asked for by id (unknown ids ignored, at most MAX_PICKED), or the
    CHARTED busiest when none is asked for."""
    wanted = set(asked)
    if not wanted:
        return list(containers[:CHARTED])
    return [c for c in containers if c.id in wanted][:MAX_PICKED]


CHARTS: tuple[tuple[str, str, tuple[tuple[str, Function, str], ...]], ...] = (
    ("Container CPU", "%", ((CPU, "rate", ""),)),
    ("Container memory (working set)", "bytes", ((MEMORY, "avg", ""),)),
    ("Container disk I/O", "bytes/s", ((READS, "rate", " read"), (WRITES, "rate", " write"))),
    ("Container network", "bytes/s", ((RECEIVED, "rate", " in"), (SENT, "rate", " out"))),
)


def charts(
    storage: Ranges, target: TargetHealth, window: dashboard.Window, shown: Sequence[Workload]
) -> list[Chart]:
    """A chart per metric with a line per container of ``shown``, from one storage call."""
    if not shown:
        return []
    wanted = {(metric, fn) for _, _, metrics in CHARTS for metric, fn, _ in metrics}
    source = dashboard.fetch(storage, target, window, wanted)
    made = []
    for title, unit, metrics in CHARTS:
        lines = [
            Line(f"{container.name}{suffix}", _points(source, metric, fn, container.id, unit))
            for metric, fn, suffix in metrics
            for container in shown
        ]
        made.append(source.chart(title, unit, lines, top=None))
    return [chart for chart in made if chart.has_points]


def _points(
    source: dashboard.Source, metric: str, fn: Function, cgroup: str, unit: str
) -> list[tuple[int, float]]:
    scale = 100.0 if unit == "%" else 1.0  # CPU seconds per second as % of one core
    totals: dict[int, float] = defaultdict(float)
    for labels, values in source.query(metric, fn):
        if labels.get("id") == cgroup:
            for t, v in values.items():
                totals[t] += v * scale
    return sorted(totals.items())

"""Compare: one metric of several servers on one chart: CPU busy, memory used, load, network,
or any series selector (``node_filesystem_avail_bytes{mountpoint="/"}``, as the explorer writes
them), its matching series added up per server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from model.matchers import Matcher
from storage import RangeQuery, Storage, TargetHealth
from web.http import params
from web.http.errors import BadParameter
from web.views import dashboard, explorer
from web.views.charts import Chart, Line
from web.views.dashboard import Source, Window
from web.views.servers import find

MOST = 12  # servers on one chart: more lines than that cannot be told apart


@dataclass(frozen=True, slots=True)
class Metric:
    title: str
    unit: str
    points: Callable[[Source], list[tuple[int, float]]]
    top: float | None = None


def _cpu(source: Source) -> list[tuple[int, float]]:
    modes = dashboard.summed(source.query("node_cpu_seconds_total", "rate"), "mode")
    idle = modes.get("idle")
    return [(t, 100 - v) for t, v in dashboard.share(idle, modes)] if idle else []


def _memory(source: Source) -> list[tuple[int, float]]:
    total = dashboard.one(source.query("node_memory_MemTotal_bytes"))
    available = dashboard.one(source.query("node_memory_MemAvailable_bytes"))
    return dashboard.combine(lambda t, a: 100 * (t - a) / t if t else 0.0, total, available)


def _load(source: Source) -> list[tuple[int, float]]:
    return sorted(dashboard.one(source.query("node_load1")).items())


def _network(source: Source) -> list[tuple[int, float]]:
    found = [
        values
        for metric in ("node_network_receive_bytes_total", "node_network_transmit_bytes_total")
        for device, values in dashboard.by_label(source.query(metric, "rate"), "device").items()
        if not dashboard.VIRTUAL_DEVICES.fullmatch(device)
    ]
    return dashboard.combine(lambda *v: sum(v), *found) if found else []


METRICS = {
    "cpu": Metric("CPU busy", "%", _cpu, top=100),
    "memory": Metric("Memory used", "%", _memory, top=100),
    "load": Metric("Load average (1 min)", "", _load),
    "network": Metric("Network in + out", "bytes/s", _network),
}


def chosen(storage: Storage, instances: Sequence[str]) -> list[TargetHealth]:
    if len(instances) > MOST:
        raise BadParameter("server", f"at most {MOST} servers on one chart, got {len(instances)}")
    return [find(storage, instance) for instance in dict.fromkeys(instances)]


def chart(storage: Storage, targets: Sequence[TargetHealth], name: str, window: Window) -> Chart:
    metric = METRICS[name]
    lines = []
    for target in targets:
        dry = Source(window)
        metric.points(dry)
        source = dashboard.fetch(storage, target, window, dry.asked)
        lines.append(Line(target.instance, metric.points(source)))
    return Source(window).chart(metric.title, metric.unit, lines, metric.top)


@dataclass(frozen=True, slots=True)
class Selector:
    """A metric name and label matchers, as PromQL writes them: ``name{label="value"}``."""

    text: str
    name: str
    matchers: Sequence[Matcher]

    @classmethod
    def parse(cls, text: str) -> Selector:
        name, brace, rest = text.strip().partition("{")
        found = params.matchers("selector", ["{" + rest]) if brace else []
        return cls(text.strip(), params.metric_name("selector", name.strip()), found)


def selected(
    storage: Storage, targets: Sequence[TargetHealth], selector: Selector, window: Window
) -> Chart:
    """The selector's series of each server, added up per server (a rate for counters)."""
    kinds = storage.metadata_of([selector.name])
    kind = kinds[selector.name].type if selector.name in kinds else "unknown"
    fn, w = explorer.function_of(selector.name, kind), window
    results = storage.query_ranges([
        RangeQuery(selector.name,
                   [Matcher("job", "=", t.job), Matcher("instance", "=", t.instance),
                    *selector.matchers],
                   w.start_ms, w.end_ms, w.step_ms, fn)
        for t in targets
    ])  # fmt: skip
    lines = []
    for target, result in zip(targets, results, strict=True):
        if result.series:
            each = [dict(points) for _, points in result.series]
            lines.append(Line(target.instance, dashboard.combine(lambda *v: sum(v), *each)))
    title = selector.text + (" per second" if fn == "rate" else "")
    return Source(window).chart(title, explorer.unit(selector.name, fn), lines)

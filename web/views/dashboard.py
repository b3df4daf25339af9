"""What the server page charts, and the range it charts over."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from starlette.datastructures import QueryParams

from storage import Function, Matcher, RangeQuery, Storage, TargetHealth
from web.http import params
from web.http.errors import BadParameter
from web.views.charts import Chart, Line
from web.views.headline import PSEUDO_FILESYSTEMS

HOUR_MS = 3_600_000
WINDOWS = {"1h": HOUR_MS, "6h": 6 * HOUR_MS, "24h": 24 * HOUR_MS, "7d": 168 * HOUR_MS}
WINDOWS["30d"] = 720 * HOUR_MS
BUCKETS = 240
MIN_STEP_MS = 10_000
Buckets = dict[int, float]
Found = list[tuple[dict[str, str], Buckets]]


@dataclass(frozen=True, slots=True)
class Window:
    """The charted range: a named one ending now, or ``custom`` with start and end."""

    name: str
    start_ms: int
    end_ms: int

    @classmethod
    def from_query(cls, query: QueryParams, now_ms: int) -> Window:
        name = params.choice("range", query.get("range", "1h"), (*WINDOWS, "custom"))
        if name != "custom":
            return cls(name, now_ms - WINDOWS[name], now_ms)
        start = params.timestamp_ms("start", params.required(query, "start"))
        end = params.timestamp_ms("end", query["end"]) if query.get("end") else now_ms
        if end <= start:
            raise BadParameter("end", "must be after start")
        return cls(name, start, end)

    @property
    def step_ms(self) -> int:
        wanted = -(-(self.end_ms - self.start_ms) // BUCKETS)
        return max(MIN_STEP_MS, -(-wanted // 1000) * 1000)


Wanted = tuple[str, Function]


@dataclass(frozen=True, slots=True)
class Source:
    """The target's series over one window, as the panels ask for them by metric and function.

    The panels run twice: a first pass with nothing ``found`` only notes what they ``asked``,
    which is then fetched with one storage call, so all charts cost a few database statements.
    """

    window: Window
    found: Mapping[Wanted, Found] = field(default_factory=dict)
    asked: set[Wanted] = field(default_factory=set)

    def query(self, metric: str, fn: Function = "avg") -> Found:
        self.asked.add((metric, fn))
        return self.found.get((metric, fn), [])

    def chart(
        self, title: str, unit: str, lines: Iterable[Line], top: float | None = None
    ) -> Chart:
        w = self.window
        kept = [line for line in lines if line.points]
        return Chart(title, unit, kept, w.start_ms, w.end_ms, w.step_ms, top)


def fetch(
    storage: Storage, target: TargetHealth, window: Window, wanted: Iterable[Wanted]
) -> Source:
    """A Source holding the target's series of every (metric, function) in ``wanted``."""
    mine = [Matcher("job", "=", target.job), Matcher("instance", "=", target.instance)]
    w, asked = window, sorted(wanted)
    results = storage.query_ranges(
        [RangeQuery(metric, mine, w.start_ms, w.end_ms, w.step_ms, fn) for metric, fn in asked]
    )
    found = {
        key: [(dict(series.labels), dict(points)) for series, points in result.series]
        for key, result in zip(asked, results, strict=True)
    }
    return Source(window, found)


def combine(fn: Callable[..., float], *inputs: Buckets) -> list[tuple[int, float]]:
    """``fn`` of the inputs' values at each bucket every input has."""
    shared = set.intersection(*(set(values) for values in inputs)) if inputs else set()
    return [(t, fn(*(values[t] for values in inputs))) for t in sorted(shared)]


def summed(found: Found, label: str) -> dict[str, Buckets]:
    """Values added up per distinct value of ``label`` (CPU seconds per mode over all CPUs)."""
    totals: dict[str, Buckets] = defaultdict(lambda: defaultdict(float))
    for labels, values in found:
        for t, v in values.items():
            totals[labels.get(label, "")][t] += v
    return totals


def one(found: Found) -> Buckets:
    return found[0][1] if found else {}


def by_label(found: Found, label: str) -> Mapping[str, Buckets]:
    return {labels.get(label, ""): values for labels, values in found}


def cpu(source: Source) -> Chart:
    modes = summed(source.query("node_cpu_seconds_total", "rate"), "mode")
    total = combine(lambda *v: sum(v), *modes.values()) if modes else []
    whole = dict(total)
    lines = [
        Line(mode, combine(lambda v, t: 100 * v / t if t else 0.0, values, whole))
        for mode, values in sorted(modes.items())
        if mode != "idle"
    ]
    return source.chart("CPU by mode", "%", lines, top=100)


def load(source: Source) -> Chart:
    lines = [
        Line(n, sorted(one(source.query(f"node_{n}")).items()))
        for n in ("load1", "load5", "load15")
    ]
    return source.chart("Load average", "", lines)


def memory(source: Source) -> Chart:
    m = {name: one(source.query(f"node_memory_{name}_bytes")) for name in MEMORY}
    lines = [
        Line(
            "used",
            combine(
                lambda t, f, b, c: t - f - b - c,
                m["MemTotal"],
                m["MemFree"],
                m["Buffers"],
                m["Cached"],
            ),
        ),
        Line("cache + buffers", combine(lambda b, c: b + c, m["Buffers"], m["Cached"])),
        Line("free", sorted(m["MemFree"].items())),
        Line("swap used", combine(lambda t, f: t - f, m["SwapTotal"], m["SwapFree"])),
    ]
    return source.chart("Memory", "bytes", lines)


MEMORY = ("MemTotal", "MemFree", "Buffers", "Cached", "SwapTotal", "SwapFree")


def filesystems(source: Source) -> Chart:
    sizes = source.query("node_filesystem_size_bytes")
    free = {_fs(labels): values for labels, values in source.query("node_filesystem_avail_bytes")}
    lines = [
        Line(
            labels.get("mountpoint", "?"),
            combine(lambda s, a: 100 * (1 - a / s) if s else 0.0, size, free.get(_fs(labels), {})),
        )
        for labels, size in sorted(sizes, key=lambda found: found[0].get("mountpoint", ""))
        if labels.get("fstype") not in PSEUDO_FILESYSTEMS
    ]
    return source.chart("Filesystem usage", "%", lines, top=100)


def _fs(labels: Mapping[str, str]) -> tuple[str, str]:
    return labels.get("device", ""), labels.get("mountpoint", "")


def _directions(source: Source, title: str, metrics: tuple[tuple[str, str], ...]) -> Chart:
    lines = [
        Line(f"{device} {direction}", sorted(values.items()))
        for metric, direction in metrics
        for device, values in sorted(by_label(source.query(metric, "rate"), "device").items())
        if device != "lo"
    ]
    return source.chart(title, "bytes/s", lines)


def disks(source: Source) -> Chart:
    metrics = (("node_disk_read_bytes_total", "read"), ("node_disk_written_bytes_total", "write"))
    return _directions(source, "Disk I/O", metrics)


def network(source: Source) -> Chart:
    metrics = (
        ("node_network_receive_bytes_total", "in"),
        ("node_network_transmit_bytes_total", "out"),
    )
    return _directions(source, "Network", metrics)


def temperatures(source: Source) -> Chart:
    sensors = [
        Line(f"{labels.get('chip', '')} {labels.get('sensor', '')}".strip(), sorted(values.items()))
        for labels, values in source.query("node_hwmon_temp_celsius")
    ]
    zones = [
        Line(labels.get("type", labels.get("zone", "zone")), sorted(values.items()))
        for labels, values in source.query("node_thermal_zone_temp")
    ]
    return source.chart("Temperatures", "°C", [*sensors, *zones])


PANELS = (cpu, load, memory, filesystems, disks, network, temperatures)


def charts(storage: Storage, target: TargetHealth, window: Window) -> list[Chart]:
    """Every panel that has data; temperatures and the like vanish on hosts without them."""
    dry_run = Source(window)
    for panel in PANELS:
        panel(dry_run)
    source = fetch(storage, target, window, dry_run.asked)
    return [chart for chart in (panel(source) for panel in PANELS) if chart.has_points]

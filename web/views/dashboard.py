"""What the server page charts, and the range it charts over."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from starlette.datastructures import QueryParams

from model import host
from model.matchers import Matcher
from storage import Function, RangeQuery, TargetHealth
from web.http import params
from web.http.errors import BadParameter
from web.views import moments
from web.views.charts import Chart, Line
from web.views.reads import Ranges

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
    zone: tzinfo = UTC  # how typed times without a zone are read, and shown back in the form
    problem: str = ""  # why a typed custom range could not be read (the page says so inline)
    asked: tuple[str, str] = ("", "")  # the start and end as typed (web/views/moments.py)
    now_ms: int = 0  # when it was read: a range ending then ends "now"

    @classmethod
    def for_page(cls, query: QueryParams, now_ms: int, saved_zone: str = "") -> Window:
        """:meth:`from_query`, except that a custom range typed wrong falls back to the last hour
        with the reason: a page answers a typo in a time with a message beside the form, not
        an error page."""
        try:
            return cls.from_query(query, now_ms, saved_zone)
        except BadParameter as error:
            if error.name not in ("start", "end"):
                raise
            zone, asked = moments.reader_zone(query, saved_zone), moments.asked(query)
            return cls("1h", now_ms - WINDOWS["1h"], now_ms, zone, str(error), asked, now_ms)

    @classmethod
    def from_query(cls, query: QueryParams, now_ms: int, saved_zone: str = "") -> Window:
        name = params.choice("range", query.get("range", "1h"), (*WINDOWS, "custom"))
        zone = moments.reader_zone(query, saved_zone)
        if name != "custom":
            return cls(name, now_ms - WINDOWS[name], now_ms, zone, now_ms=now_ms)
        asked = moments.asked(query)
        if not asked[0]:
            raise BadParameter("start", "is required")
        start = moments.moment("start", asked[0], zone, now_ms)
        end = moments.moment("end", asked[1], zone, now_ms) if asked[1] else now_ms
        if end <= start:
            raise BadParameter("end", "must be after start")
        return cls(name, start, end, zone, asked=asked, now_ms=now_ms)

    def typed(self, t_ms: int) -> str:
        """``t_ms`` as the range form shows it: ``2026-12-02 00:50`` in the window's zone."""
        return datetime.fromtimestamp(t_ms / 1000, self.zone).strftime("%Y-%m-%d %H:%M")

    def field(self, index: int) -> str:
        """What the form's start (0) or end (1) field holds: what was typed when it reads
        relative to now (``-3h``, ``yesterday 14:00``: kept, so a reload moves with the clock)
        or could not be read; else the moment as :meth:`typed` writes it."""
        if not self.pinned(index):
            return self.asked[index]
        return self.typed(self.end_ms if index else self.start_ms)

    def pinned(self, index: int) -> bool:
        """Whether the field holds a fixed moment (which the browser may show in its zone)."""
        typed = self.asked[index]
        fixed = bool(typed) and not moments.relative(typed)
        return self.name == "custom" and not self.problem and fixed

    @property
    def until_now(self) -> bool:
        return self.end_ms == self.now_ms

    def shown(self, t_ms: int) -> str:
        """``t_ms`` as the range is echoed: ``Tue 2 Dec 00:50``."""
        return moments.shown(t_ms, self.zone, self.now_ms)

    @property
    def span(self) -> tuple[int, int, int]:
        """Start, end and step: a Chart's range."""
        return self.start_ms, self.end_ms, self.step_ms

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
    storage: Ranges, target: TargetHealth, window: Window, wanted: Iterable[Wanted]
) -> Source:
    """A Source holding the target's series of every (metric, function) in ``wanted``."""
    mine = [Matcher("job", "=", target.job), Matcher("instance", "=", target.instance)]
    w, asked = window, sorted(wanted)
    results = storage.query_ranges(
        [RangeQuery(metric, mine, w.start_ms, w.end_ms, w.step_ms, fn) for metric, fn in asked]
    )
    found = {
        key: [
            (dict(series.labels), dict(zip(times.tolist(), values.tolist(), strict=True)))
            for series, (times, values) in result.buckets
        ]
        for key, result in zip(asked, results, strict=True)
    }
    return Source(window, found)


def combine(fn: Callable[..., float], *inputs: Buckets) -> list[tuple[int, float]]:
    """``fn`` of the inputs' values at each bucket every input has."""
    if not inputs:
        return []
    shared = sorted(set.intersection(*(set(values) for values in inputs)))
    # A column per input, so fn is mapped over them: a server page combines 12,000 values.
    columns = ([values[t] for t in shared] for values in inputs)
    return list(zip(shared, map(fn, *columns), strict=True))


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
    """Busy modes stacked (the busiest at the bottom), and their total as its own line."""
    modes = summed(source.query("node_cpu_seconds_total", "rate"), "mode")
    shares = {mode: share(values, modes) for mode, values in modes.items() if mode != "idle"}
    order = sorted(shares, key=lambda mode: (-sum(v for _, v in shares[mode]), mode))
    busy = [Line(mode, shares[mode], stacked=True) for mode in order]
    total = combine(lambda *v: sum(v), *(dict(shares[m]) for m in order)) if order else []
    return source.chart("CPU by mode", "%", [*busy, Line("total", total)], top=100)


def share(values: Buckets, modes: Mapping[str, Buckets]) -> list[tuple[int, float]]:
    """``values`` as a percentage of all modes' seconds together at each bucket."""
    whole = dict(combine(lambda *v: sum(v), *modes.values()))
    return combine(lambda v, t: 100 * v / t if t else 0.0, values, whole)


def cores(source: Source) -> Chart:
    """Each CPU's busy share: 100 % less its idle share."""
    per_cpu: dict[str, Found] = defaultdict(list)
    for labels, values in source.query("node_cpu_seconds_total", "rate"):
        per_cpu[labels.get("cpu", "")].append((labels, values))
    lines = [
        Line(f"cpu{cpu}", [(t, 100 - v) for t, v in share(idle, summed(found, "mode"))])
        for cpu, found in sorted(per_cpu.items(), key=lambda item: _numeric(item[0]))
        if (idle := summed(found, "mode").get("idle"))
    ]
    return source.chart("CPU per core", "%", lines if len(lines) > 1 else [], top=100)


def _numeric(text: str) -> tuple[int, str]:
    return (int(text), "") if text.isdigit() else (1 << 30, text)


def load(source: Source) -> Chart:
    lines = [
        Line(n, sorted(one(source.query(f"node_{n}")).items()))
        for n in ("load1", "load5", "load15")
    ]
    return source.chart("Load average", "", lines)


def memory(source: Source) -> Chart:
    m = {name: one(source.query(f"node_memory_{name}_bytes")) for name in MEMORY}
    lines = [
        Line("used", combine(host.used, m["MemTotal"], m["MemAvailable"])),
        Line("cache + buffers", combine(lambda b, c: b + c, m["Buffers"], m["Cached"])),
        Line("free", sorted(m["MemFree"].items())),
        Line("swap used", combine(lambda t, f: t - f, m["SwapTotal"], m["SwapFree"])),
    ]
    return source.chart("Memory", "bytes", lines)


MEMORY = ("MemTotal", "MemAvailable", "MemFree", "Buffers", "Cached", "SwapTotal", "SwapFree")


def filesystems(source: Source) -> Chart:
    sizes = source.query(host.FILESYSTEM_SIZE)
    free = {
        host.filesystem(labels): values
        for labels, values in source.query(host.FILESYSTEM_AVAILABLE)
    }
    lines = [
        Line(
            labels.get("mountpoint", "?"),
            combine(_percent, size, free.get(host.filesystem(labels), {})),
        )
        for labels, size in sorted(sizes, key=lambda found: found[0].get("mountpoint", ""))
        if host.is_disk(labels)
    ]
    return source.chart("Filesystem usage", "%", lines, top=100)


def _percent(size: float, available: float) -> float:
    found = host.used_percent(size, available)
    return 0.0 if found is None else found


def _directions(
    source: Source, title: str, metrics: tuple[tuple[str, str], ...], unit: str = "bytes/s"
) -> Chart:
    lines = [
        Line(f"{device} {direction}", sorted(values.items()))
        for metric, direction in metrics
        for device, values in sorted(by_label(source.query(metric, "rate"), "device").items())
        if not VIRTUAL_DEVICES.fullmatch(device)
    ]
    return source.chart(title, unit, lines)


# Loopback, and the devices containers, bridges, tunnels and traffic shaping add: their traffic
# is counted again on the physical device, and a host with containers has dozens of them.
VIRTUAL_DEVICES = re.compile(
    r"lo|veth.*|docker.*|br-.*|virbr.*|ifb.*|cni.*|flannel.*|cali.*|vxlan.*|kube-.*|tap.*"
)


def disks(source: Source) -> Chart:
    metrics = (("node_disk_read_bytes_total", "read"), ("node_disk_written_bytes_total", "write"))
    return _directions(source, "Disk I/O", metrics)


def disk_latency(source: Source) -> Chart:
    """The average time a completed read or write took, per device: the rate of the time spent
    over the rate of completions, as Node Exporter Full's "Disk Average Wait Time". A bucket
    without any completion has no latency, so it is left out rather than drawn as 0."""
    lines = []
    for spent, completed, direction in LATENCY:
        done = by_label(source.query(completed, "rate"), "device")
        for device, times in sorted(by_label(source.query(spent, "rate"), "device").items()):
            count = done.get(device, {})
            waits = [(t, 1000 * v / count[t]) for t, v in sorted(times.items()) if count.get(t)]
            lines.append(Line(f"{device} {direction}", waits))
    return source.chart("Disk latency", "ms", lines)


LATENCY = (
    ("node_disk_read_time_seconds_total", "node_disk_reads_completed_total", "read"),
    ("node_disk_write_time_seconds_total", "node_disk_writes_completed_total", "write"),
)


def network(source: Source) -> Chart:
    metrics = (
        ("node_network_receive_bytes_total", "in"),
        ("node_network_transmit_bytes_total", "out"),
    )
    return _directions(source, "Network", metrics)


def network_errors(source: Source) -> Chart:
    metrics = (
        ("node_network_receive_errs_total", "in"),
        ("node_network_transmit_errs_total", "out"),
        ("node_network_receive_drop_total", "in dropped"),
        ("node_network_transmit_drop_total", "out dropped"),
    )
    chart = _directions(source, "Network errors and drops", metrics, "/s")
    # All zero on a healthy host: the panel only earns its place when something went wrong.
    return (
        chart
        if any(v for line in chart.lines for _, v in line.points)
        else source.chart(chart.title, chart.unit, [])
    )


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


PANELS = (
    cpu, cores, load, memory, filesystems, disks, disk_latency, network, network_errors,
    temperatures,
)  # fmt: skip


def charts(storage: Ranges, target: TargetHealth, window: Window) -> list[Chart]:
    """Every panel that has data; temperatures and the like vanish on hosts without them."""
    dry_run = Source(window)
    for panel in PANELS:
        panel(dry_run)
    source = fetch(storage, target, window, dry_run.asked)
    return [chart for chart in (panel(source) for panel in PANELS) if chart.has_points]


# A first scrape gives one point per gauge and no rate at all; a few minutes later every panel
# has a line. Until then the page says so instead of showing lone dots.
COLLECTING_MS = 10 * 60_000


def collecting(target: TargetHealth, shown: Sequence[Chart], now_ms: int) -> bool:
    """Whether the target is too new for its charts: first seen minutes ago, few points yet."""
    young = now_ms - target.first_seen_ms < COLLECTING_MS
    return young and max((chart.most_points for chart in shown), default=0) < 3


# The panels drawn from counters: a first scrape has no rate for them yet.
RATE_PANELS = ("CPU by mode", "Disk I/O", "Network")


def waiting(shown: Sequence[Chart]) -> list[str]:
    """The rate panels not drawn yet, shown as "collecting data" while the target is new."""
    drawn = {chart.title for chart in shown}
    return [title for title in RATE_PANELS if title not in drawn]

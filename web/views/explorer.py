"""The metric explorer: every series one target exposes, searchable, any one of them charted.

A counter is charted as its per-second rate, as are a histogram's or summary's cumulative
``_bucket``/``_sum``/``_count`` series; everything else (gauges, untyped series, summary
quantiles) as its average per bucket. The type is what the target's ``# TYPE`` said, kept in
storage's metadata by sample name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from starlette.datastructures import QueryParams

from storage import Function, Matcher, RangeQuery, Series, Storage, TargetHealth
from web.http import params
from web.http.errors import NotFound
from web.views.charts import Chart, Line
from web.views.dashboard import Window
from web.views.series import of_target, search

SHOWN = 500
CUMULATIVE = ("histogram", "summary")
CUMULATIVE_SUFFIXES = ("_bucket", "_sum", "_count")


@dataclass(frozen=True, slots=True)
class Entry:
    """One series of the target and its metric type (``unknown`` without metadata)."""

    series: Series
    kind: str

    @property
    def function(self) -> Function:
        if self.kind == "counter":
            return "rate"
        cumulative = self.series.name.endswith(CUMULATIVE_SUFFIXES)
        return "rate" if self.kind in CUMULATIVE and cumulative else "avg"

    @property
    def selector(self) -> str:
        """The series as PromQL writes it: ``name{label="value",...}`` (without job, instance)."""
        own = [f'{k}="{_quoted(v)}"' for k, v in self.series.labels if k not in _TARGET_LABELS]
        return f"{self.series.name}{{{','.join(own)}}}" if own else self.series.name


_TARGET_LABELS = ("job", "instance")


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@dataclass(frozen=True, slots=True)
class Exploration:
    """What the page shows: the matching series (at most SHOWN) and the chosen one's chart."""

    entries: Sequence[Entry]
    matched: int
    total: int
    chosen: Entry | None
    chart: Chart | None


def explore(
    storage: Storage, target: TargetHealth, query: QueryParams, window: Window
) -> Exploration:
    found = of_target(storage, target)
    kinds = storage.metadata_of(sorted({s.name for s in found}))
    entries = [Entry(s, kinds[s.name].type if s.name in kinds else "unknown") for s in found]
    matching = {s.id for s in search(found, query.get("q", ""))}
    shown = [e for e in entries if e.series.id in matching]
    chosen = _chosen(entries, query.get("series", ""))
    chart = None if chosen is None else plot(storage, chosen, window)
    return Exploration(shown[:SHOWN], len(shown), len(entries), chosen, chart)


def _chosen(entries: Sequence[Entry], wanted: str) -> Entry | None:
    if not wanted:
        return None
    series_id = params.integer("series", wanted, 1, 2**63 - 1)
    for entry in entries:
        if entry.series.id == series_id:
            return entry
    raise NotFound(f"series: this server has no series {series_id}")


def plot(storage: Storage, entry: Entry, window: Window) -> Chart:
    """The series over ``window``: its own labels select it, its id tells it from supersets."""
    series, w = entry.series, window
    exact = [Matcher(name, "=", value) for name, value in series.labels]
    query = RangeQuery(series.name, exact, w.start_ms, w.end_ms, w.step_ms, entry.function)
    found = storage.query_range(query).series
    points = next((p for s, p in found if s.id == series.id), [])
    title = entry.selector + (" per second" if entry.function == "rate" else "")
    return Chart(title, unit(series.name, entry.function), [Line(series.name, points)],
                 w.start_ms, w.end_ms, w.step_ms)  # fmt: skip


def unit(name: str, fn: Function) -> str:
    """The chart's unit from the name's base unit (Prometheus naming): bytes, °C, or none."""
    base = _BASE_UNITS.get(name.removesuffix("_total").rsplit("_", 1)[-1], "")
    if fn != "rate":
        return base
    return "bytes/s" if base == "bytes" else "/s"


_BASE_UNITS: Mapping[str, str] = {"bytes": "bytes", "celsius": "°C"}

"""The metric explorer: every series one target exposes, searchable, several charted together.

A counter is charted as its per-second rate, as are a histogram's or summary's cumulative
``_bucket``/``_sum``/``_count`` series; everything else (gauges, untyped series, summary
quantiles) as its average per bucket. The type is what the target's ``# TYPE`` said, kept in
storage's metadata by sample name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from starlette.datastructures import QueryParams

from model.matchers import Matcher
from storage import Function, RangeQuery, Series, Storage, TargetHealth
from web.http import params
from web.http.errors import BadParameter, NotFound
from web.views.charts import Chart, Line
from web.views.dashboard import Window
from web.views.series import of_target, search

SHOWN = 500
MOST = 10  # series charted at once: more lines than that cannot be told apart
CUMULATIVE = ("histogram", "summary")
CUMULATIVE_SUFFIXES = ("_bucket", "_sum", "_count")


@dataclass(frozen=True, slots=True)
class Entry:
    """One series of the target and its metric type (``unknown`` without metadata)."""

    series: Series
    kind: str

    @property
    def function(self) -> Function:
        return function_of(self.series.name, self.kind)

    @property
    def selector(self) -> str:
        """The series as PromQL writes it: ``name{label="value",...}`` (without job, instance)."""
        own = [f'{k}="{_quoted(v)}"' for k, v in self.series.labels if k not in _TARGET_LABELS]
        return f"{self.series.name}{{{','.join(own)}}}" if own else self.series.name


_TARGET_LABELS = ("job", "instance")


def function_of(name: str, kind: str) -> Function:
    """How a series of metric type ``kind`` is charted: a rate for what only ever grows."""
    if kind == "counter":
        return "rate"
    cumulative = name.endswith(CUMULATIVE_SUFFIXES)
    return "rate" if kind in CUMULATIVE and cumulative else "avg"


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@dataclass(frozen=True, slots=True)
class Exploration:
    """What the page shows: the matching series (at most SHOWN), the chosen ones (in the order
    they were picked) and their charts, one per unit."""

    entries: Sequence[Entry]
    matched: int
    total: int
    chosen: Sequence[Entry]
    charts: Sequence[Chart]

    @property
    def chosen_ids(self) -> list[str]:
        return [str(entry.series.id) for entry in self.chosen]

    @property
    def unlisted(self) -> list[Entry]:
        """The chosen series the list leaves out (search, SHOWN): kept by the form all the same."""
        listed = {entry.series.id for entry in self.entries}
        return [entry for entry in self.chosen if entry.series.id not in listed]

    def toggled(self, entry: Entry) -> list[str]:
        """The chosen series' ids with ``entry`` added, or taken out if it was chosen."""
        wanted = str(entry.series.id)
        ids = self.chosen_ids
        return [i for i in ids if i != wanted] if wanted in ids else [*ids, wanted]


def explore(
    storage: Storage, target: TargetHealth, query: QueryParams, window: Window
) -> Exploration:
    found = of_target(storage, target)
    kinds = storage.metadata_of(sorted({s.name for s in found}))
    entries = [Entry(s, kinds[s.name].type if s.name in kinds else "unknown") for s in found]
    matching = {s.id for s in search(found, query.get("q", ""))}
    shown = [e for e in entries if e.series.id in matching]
    chosen = _chosen(entries, [v for v in query.getlist("series") if v])
    charts = plot(storage, chosen, window) if chosen else []
    return Exploration(shown[:SHOWN], len(shown), len(entries), chosen, charts)


def _chosen(entries: Sequence[Entry], wanted: Sequence[str]) -> list[Entry]:
    ids = list(dict.fromkeys(params.integer("series", v, 1, 2**63 - 1) for v in wanted))
    if len(ids) > MOST:
        raise BadParameter("series", f"at most {MOST} series on one chart, got {len(ids)}")
    by_id = {entry.series.id: entry for entry in entries}
    for series_id in ids:
        if series_id not in by_id:
            raise NotFound(f"series: this server has no series {series_id}")
    return [by_id[series_id] for series_id in ids]


def plot(storage: Storage, chosen: Sequence[Entry], window: Window) -> list[Chart]:
    """The chosen series over ``window``, one chart per unit (usually one), a line each.

    Each series' own labels select it, its id tells it from series with more labels."""
    w = window
    found = storage.query_ranges([
        RangeQuery(e.series.name, [Matcher(k, "=", v) for k, v in e.series.labels],
                   w.start_ms, w.end_ms, w.step_ms, e.function)
        for e in chosen
    ])  # fmt: skip
    by_unit: dict[str, list[tuple[Entry, Line]]] = {}
    for entry, result in zip(chosen, found, strict=True):
        points = next((p for s, p in result.series if s.id == entry.series.id), [])
        line = Line(entry.selector, points)
        by_unit.setdefault(unit(entry.series.name, entry.function), []).append((entry, line))
    return [
        Chart(_title([e for e, _ in drawn]), shown, [line for _, line in drawn], *w.span)
        for shown, drawn in by_unit.items()
    ]


def _title(entries: Sequence[Entry]) -> str:
    """One series: its selector; several: their names (each once)."""
    if len(entries) == 1:
        names = entries[0].selector
    else:
        names = ", ".join(dict.fromkeys(entry.series.name for entry in entries))
    rates = all(entry.function == "rate" for entry in entries)
    return names + (" per second" if rates else "")


def unit(name: str, fn: Function) -> str:
    """The chart's unit from the name's base unit (Prometheus naming): bytes, °C, or none."""
    base = _BASE_UNITS.get(name.removesuffix("_total").rsplit("_", 1)[-1], "")
    if fn != "rate":
        return base
    return "bytes/s" if base == "bytes" else "/s"


_BASE_UNITS: Mapping[str, str] = {"bytes": "bytes", "celsius": "°C"}

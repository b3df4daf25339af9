"""A server's headline figures (CPU %, memory %, fullest filesystem, load, uptime).

They are computed from node_exporter's series the way its dashboards do, with a handful of
range queries that each cover the whole fleet (or one target), so the overview costs the same
few queries however many servers there are.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from starlette.requests import HTTPConnection

from model import host
from model.matchers import Matcher
from model.samples import Labels
from storage import Function, RangeColumns, RangeQuery, RangeResult, Series, Storage, TargetHealth
from web.views import workloads
from web.views.reads import Ranges

WINDOW_MS = 5 * 60_000
Key = tuple[str, str]
Reading = tuple[dict[str, str], float]
Readings = dict[Key, list[Reading]]
# Space that cannot fill up or belongs to no disk: counting it would make every host look full.


@dataclass(frozen=True, slots=True)
class Headline:
    cpu_percent: float | None = None
    memory_percent: float | None = None
    fullest_filesystem_percent: float | None = None
    fullest_mountpoint: str | None = None
    load1: float | None = None
    uptime_s: float | None = None
    containers: int | None = None  # None: the exporter reports no containers

    @property
    def is_node(self) -> bool:
        """Whether the target looks like a node_exporter (any headline figure is known)."""
        return any(value is not None for value in (self.cpu_percent, self.memory_percent))


def fleet(storage: Storage, end_ms: int) -> dict[Key, Headline]:
    """Headlines of every target from its samples in the five minutes before ``end_ms``."""
    # Columns: a fleet's 12,000 series as pairs of arrays cost more than the read.
    found = storage.query_columns(_windows(NEEDED, [], end_ms))
    return _compute([_newest(result) for result in found], end_ms)


class SharedFleet:
    """The fleet's headlines, computed at most once per ``ttl_ms`` and shared by all requests.

    Every open overview fetches itself again after each scrape event (live.js), so with a large
    fleet many requests a second want the same figures; computing them takes a few hundred ms of
    database and Python time, which requests would otherwise queue behind. The lock makes
    concurrent requests wait for one computation instead of each starting its own.
    """

    def __init__(self, ttl_ms: int) -> None:
        self._ttl_ms = ttl_ms
        self._lock = threading.Lock()
        self._computed: tuple[int, dict[Key, Headline]] | None = None

    def get(self, storage: Storage, now_ms: int) -> dict[Key, Headline]:
        with self._lock:
            if self._computed is None or not 0 <= now_ms - self._computed[0] < self._ttl_ms:
                self._computed = (now_ms, fleet(storage, now_ms))
            return self._computed[1]


def shared(request: HTTPConnection) -> SharedFleet:
    """The overview's headline figures, shared between requests (made by ``create_app``)."""
    return cast(SharedFleet, request.app.state.figures)


def one(storage: Ranges, target: TargetHealth) -> Headline:
    """Headline of one target as of its last successful scrape (a down one keeps its last)."""
    if target.last_seen_ms is None:
        return Headline()
    key = (target.job, target.instance)
    matchers = [Matcher("job", "=", key[0]), Matcher("instance", "=", key[1])]
    found = storage.query_ranges(_windows(NEEDED, matchers, target.last_seen_ms))
    latest = [_last_buckets(result) for result in found]
    return _compute(latest, target.last_seen_ms).get(key, Headline())


def readings(
    storage: Ranges,
    wanted: Sequence[tuple[str, Function]],
    matchers: Sequence[Matcher],
    end_ms: int,
) -> list[Readings]:
    """For each (metric, function), the value of each of its series over the window, by target;
    all from one storage call."""
    found = storage.query_ranges(_windows(wanted, matchers, end_ms))
    return [_by_target(_last_buckets(result)) for result in found]


def _windows(
    wanted: Sequence[tuple[str, Function]], matchers: Sequence[Matcher], end_ms: int
) -> list[RangeQuery]:
    # Both ends of a range are inclusive: one ms more keeps the whole window in one bucket.
    return [
        RangeQuery(metric, matchers, end_ms - WINDOW_MS, end_ms, WINDOW_MS + 1, fn)
        for metric, fn in wanted
    ]


Latest = Iterable[tuple[Series, float]]
"""Each series with its value over the window (its one bucket: the last of a rollup's)."""


def _newest(result: RangeColumns) -> Latest:
    series, values = result.last()
    return zip(series, values.tolist(), strict=True)


def _last_buckets(result: RangeResult) -> Latest:
    return ((one, float(values[-1])) for one, (_, values) in result.buckets)


def _by_target(latest: Latest) -> Readings:
    found: Readings = defaultdict(list)
    for key, labels, value in _rows(latest):
        found[key].append((labels, value))
    return found


def _rows(latest: Latest) -> Iterator[tuple[Key, dict[str, str], float]]:
    """Each series' target, labels and value over the window."""
    for one, value in latest:
        key, labels = _labelled(one.labels)
        yield key, labels, value


@functools.lru_cache(maxsize=1 << 16)
def _labelled(labels: Labels) -> tuple[Key, dict[str, str]]:
    """A series' target and its labels as a dict (shared: read, never changed), made once per
    process: the overview reads the same 12,000 series at 1,000 servers on every request."""
    found = dict(labels)
    return (found.get("job", ""), found.get("instance", "")), found


NEEDED: tuple[tuple[str, Function], ...] = (
    ("node_cpu_seconds_total", "rate"),
    *((name, "last") for name in (host.MEMORY_TOTAL, host.MEMORY_AVAILABLE)),
    *((name, "last") for name in (host.FILESYSTEM_SIZE, host.FILESYSTEM_AVAILABLE)),
    *((f"node_{name}", "last") for name in ("load1", "boot_time_seconds", "time_seconds")),
    ("container_last_seen", "last"),
)


def _compute(latest: Sequence[Latest], end_ms: int) -> dict[Key, Headline]:
    """The headlines from each of NEEDED's series values. Each figure by target straight from
    them, not through Readings: a fleet's lists of (labels, value) pairs per target took
    longer to make than the figures from them."""
    cpu, total, available, size, free, load, boot, clock, seen = latest
    busy, fullest, loads = _cpu_percents(cpu), _fullest(size, free), _firsts(load)
    totals, availables = _firsts(total), _firsts(available)
    boots, clocks = _firsts(boot), _firsts(clock)
    cgroups = _labels(seen)
    return {
        key: Headline(
            busy.get(key),
            host.used_percent(totals.get(key), availables.get(key)),
            *fullest.get(key, (None, None)),
            loads.get(key),
            _uptime(boots.get(key), clocks.get(key), end_ms),
            workloads.containers(cgroups.get(key, ())) or None,
        )
        for key in busy.keys() | totals.keys() | fullest.keys() | loads.keys()
    }


def _firsts(result: Latest) -> dict[Key, float]:
    """Each target's value of its first series: a figure of one series per target."""
    found: dict[Key, float] = {}
    for key, _, value in _rows(result):
        found.setdefault(key, value)
    return found


def _labels(result: Latest) -> dict[Key, list[dict[str, str]]]:
    found: dict[Key, list[dict[str, str]]] = defaultdict(list)
    for key, labels, _ in _rows(result):
        found[key].append(labels)
    return found


def _cpu_percents(rates: Latest) -> dict[Key, float | None]:
    """Each target's busy share: all modes' rates but idle, of all modes' rates."""
    every: dict[Key, list[float]] = defaultdict(list)
    idle: dict[Key, list[float]] = defaultdict(list)
    for key, labels, value in _rows(rates):
        every[key].append(value)
        if labels.get("mode") == "idle":
            idle[key].append(value)
    totals = {key: (sum(idle.get(key, ())), sum(values)) for key, values in every.items()}
    return {key: 100 * (1 - i / t) if t > 0 else None for key, (i, t) in totals.items()}


Fullest = tuple[float | None, str | None]


def _fullest(sizes: Latest, available: Latest) -> dict[Key, Fullest]:
    """Each target's fullest real filesystem (percent used, mount point), of those whose
    available space is known."""
    free = {(key, host.filesystem(labels)): value for key, labels, value in _rows(available)}
    used: dict[Key, list[tuple[float, str]]] = {}
    for key, labels, size in _rows(sizes):
        known = used.setdefault(key, [])
        if host.is_disk(labels):
            percent = host.used_percent(size, free.get((key, host.filesystem(labels))))
            if percent is not None:
                known.append((percent, labels.get("mountpoint", "")))
    return {key: max(known) if known else (None, None) for key, known in used.items()}


def _uptime(boot_s: float | None, now_s: float | None, end_ms: int) -> float | None:
    # The host's own clock when it reports one, so a lagging scrape does not age the uptime.
    if boot_s is None:
        return None
    return (end_ms / 1000 if now_s is None else now_s) - boot_s

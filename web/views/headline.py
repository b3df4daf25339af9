"""A server's headline figures (CPU %, memory %, fullest filesystem, load, uptime).

They are computed from node_exporter's series the way its dashboards do, with a handful of
range queries that each cover the whole fleet (or one target), so the overview costs the same
few queries however many servers there are.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from starlette.requests import HTTPConnection

from model import host
from model.matchers import Matcher
from model.samples import Labels
from storage import Function, RangeQuery, Series, Storage, TargetHealth
from storage.model import Buckets
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
    return _compute(storage, [], end_ms)


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
    return _compute(storage, matchers, target.last_seen_ms).get(key, Headline())


def readings(
    storage: Ranges,
    wanted: Sequence[tuple[str, Function]],
    matchers: Sequence[Matcher],
    end_ms: int,
) -> list[Readings]:
    """For each (metric, function), the value of each of its series over the window, by target;
    all from one storage call."""
    # Both ends of a range are inclusive: one ms more keeps the whole window in one bucket.
    queries = [
        RangeQuery(metric, matchers, end_ms - WINDOW_MS, end_ms, WINDOW_MS + 1, fn)
        for metric, fn in wanted
    ]
    return [_by_target(result.buckets) for result in storage.query_ranges(queries)]


def _by_target(series: Sequence[tuple[Series, Buckets]]) -> Readings:
    found: Readings = defaultdict(list)
    for one, (_, values) in series:
        key, labels = _labelled(one.labels)
        found[key].append((labels, float(values[-1])))
    return found


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


def _compute(storage: Ranges, matchers: Sequence[Matcher], end_ms: int) -> dict[Key, Headline]:
    cpu, total, available, size, free, load, boot, clock, seen = readings(
        storage, NEEDED, matchers, end_ms
    )
    keys = set(cpu) | set(total) | set(size) | set(load)
    return {
        key: Headline(
            _cpu_percent(cpu.get(key, [])),
            host.used_percent(_single(total, key), _single(available, key)),
            *_fullest(size.get(key, []), free.get(key, [])),
            _single(load, key),
            _uptime(_single(boot, key), _single(clock, key), end_ms),
            workloads.containers(labels for labels, _ in seen.get(key, [])) or None,
        )
        for key in keys
    }


def _single(found: Readings, key: Key) -> float | None:
    values = found.get(key)
    return values[0][1] if values else None


def _cpu_percent(rates: list[Reading]) -> float | None:
    total = sum(value for _, value in rates)
    idle = sum(value for labels, value in rates if labels.get("mode") == "idle")
    return 100 * (1 - idle / total) if total > 0 else None


def _fullest(sizes: list[Reading], available: list[Reading]) -> tuple[float | None, str | None]:
    free = {host.filesystem(labels): value for labels, value in available}
    used = [
        (host.used_percent(size, free.get(host.filesystem(labels))), labels.get("mountpoint", ""))
        for labels, size in sizes
        if host.is_disk(labels)
    ]
    known = [(percent, mount) for percent, mount in used if percent is not None]
    return max(known) if known else (None, None)


def _uptime(boot_s: float | None, now_s: float | None, end_ms: int) -> float | None:
    # The host's own clock when it reports one, so a lagging scrape does not age the uptime.
    if boot_s is None:
        return None
    return (end_ms / 1000 if now_s is None else now_s) - boot_s

"""The web benchmark's fleet, generated inside PostgreSQL rather than sent from Python.

Every server exposes the SHAPES below (node_exporter's series the dashboards read), scraped
every two minutes. Python computes only the series dictionary (through the storage layer's own
`resolve`, so ids and hashes are the real ones) and one row of parameters per series in
`bench_shapes`; the samples are made by INSERT ... SELECT over generate_series, a day per
transaction, in (series, time) order so each partition's primary key grows at its right edge.
Counters grow at a rate that follows a daily cycle and reset when their server reboots (every
REBOOT_DAYS, at a per-server phase); gauges are a daily wave plus noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, insert, text

from model.clock import DAY_MS
from model.samples import Labels, Metadata
from storage import partitions, schema
from storage.backend import Backend
from storage.catalog import store as store_metadata
from storage.series import resolve

SCRAPE_MS = 120_000
JOB = "node"
REBOOT_DAYS = 9
GIB = 2**30
Kind = Literal["counter", "gauge", "boot", "constant"]


@dataclass(frozen=True, slots=True)
class Shape:
    """One series of every server: ``level`` is a counter's rate per second, a gauge's mean or
    a constant's value; ``swing`` is a gauge's daily amplitude (noise is 2/3 of it)."""

    name: str
    kind: Kind
    level: float
    swing: float = 0.0
    labels: Labels = ()


def _cpu(mode: str, rate: float) -> Shape:
    return Shape("node_cpu_seconds_total", "counter", rate, labels=(("cpu", "0"), ("mode", mode)))


def _fs(kind: str, mount: str, size: float, swing: float) -> Shape:
    device = (("device", f"/dev/{mount.strip('/') or 'root'}"), ("fstype", "ext4"))
    labels = (*device, ("mountpoint", mount))
    return Shape(f"node_filesystem_{kind}_bytes", "gauge", size * GIB, swing * GIB, labels)


OS = (("id", "debian"), ("pretty_name", "Debian GNU/Linux 12 (bookworm)"))
UNAME = (("machine", "x86_64"), ("release", "6.1.0-18-amd64"), ("sysname", "Linux"))
SHAPES = (
    _cpu("idle", 0.7),
    _cpu("user", 0.22),
    _cpu("system", 0.06),
    *(
        Shape(f"node_memory_{name}_bytes", "gauge", level * GIB, swing * GIB)
        for name, level, swing in (
            ("MemTotal", 16, 0),
            ("MemFree", 3, 1),
            ("MemAvailable", 6, 1.5),
            ("Buffers", 0.5, 0.1),
            ("Cached", 3, 0.5),
        )
    ),
    _fs("size", "/", 100, 0),
    _fs("avail", "/", 40, 5),
    _fs("size", "/boot", 1, 0),
    _fs("avail", "/boot", 0.3, 0.05),
    Shape("node_network_receive_bytes_total", "counter", 2e5, labels=(("device", "eth0"),)),
    Shape("node_network_transmit_bytes_total", "counter", 1e5, labels=(("device", "eth0"),)),
    Shape("node_disk_read_bytes_total", "counter", 5e4, labels=(("device", "sda"),)),
    Shape("node_disk_written_bytes_total", "counter", 2e5, labels=(("device", "sda"),)),
    Shape("node_load1", "gauge", 1.0, 0.8),
    Shape("node_load5", "gauge", 1.0, 0.6),
    Shape("node_load15", "gauge", 1.0, 0.4),
    Shape("node_boot_time_seconds", "boot", 0.0),
    Shape("node_os_info", "constant", 1.0, labels=OS),
    Shape("node_uname_info", "constant", 1.0, labels=UNAME),
)  # fmt: skip
METADATA = {
    shape.name: Metadata("counter" if shape.kind == "counter" else "gauge") for shape in SHAPES
}


def instance(server: int) -> str:
    return f"node{server:04}:9100"


def is_down(server: int) -> bool:
    """One server in a hundred stopped answering half an hour before the load ended."""
    return server % 100 == 99


def create(backend: Backend, servers: int, start_ms: int, end_ms: int) -> None:
    """The series dictionary, metadata, targets and `bench_shapes`; no samples yet."""
    with backend.writing() as conn:
        store_metadata(backend, conn, METADATA)
        conn.exec_driver_sql(
            "CREATE TABLE bench_shapes (series_id bigint PRIMARY KEY, kind text NOT NULL, "
            "level float8 NOT NULL, swing float8 NOT NULL, phase_ms bigint NOT NULL, "
            "until_ms bigint NOT NULL)"
        )
    # One transaction per server: resolving series stages them in a table dropped on commit.
    for server in range(servers):
        with backend.writing() as conn:
            _server(backend, conn, server, start_ms, end_ms)


def _server(backend: Backend, conn: Connection, server: int, start_ms: int, end_ms: int) -> None:
    name = instance(server)
    keys = [(s.name, _labels(s, name, server)) for s in SHAPES]
    ids = resolve(backend, conn, keys)
    scale = 0.5 + (server % 10) / 10
    phase = server * 7_919_000 % (REBOOT_DAYS * DAY_MS)
    until = end_ms - 30 * 60_000 if is_down(server) else 2**62
    rows = [
        {"id": ids[key], "kind": s.kind, "level": s.level * (scale if s.kind == "counter" else 1),
         "swing": s.swing * scale, "phase": phase, "until": until}
        for s, key in zip(SHAPES, keys, strict=True)
    ]  # fmt: skip
    conn.execute(
        text("INSERT INTO bench_shapes VALUES (:id, :kind, :level, :swing, :phase, :until)"), rows
    )
    conn.execute(insert(schema.targets).values(_target(name, server, start_ms, end_ms)))
    history = {"job": JOB, "instance": name, "t": start_ms, "health": "up", "reason": None}
    down = {**history, "t": until, "health": "down", "reason": "connection refused"}
    conn.execute(insert(schema.health_history), [history, down] if is_down(server) else [history])


def _labels(shape: Shape, name: str, server: int) -> Labels:
    extra = (("nodename", name.split(":")[0]),) if shape.name == "node_uname_info" else ()
    return tuple(sorted((("instance", name), ("job", JOB), *shape.labels, *extra)))


def _target(name: str, server: int, start_ms: int, end_ms: int) -> dict[str, object]:
    down = is_down(server)
    last_seen = end_ms - 30 * 60_000 if down else end_ms
    return {
        "job": JOB, "instance": name, "labels": '{"env":"prod"}',
        "health": "down" if down else "up", "last_scrape_ms": end_ms, "last_duration_s": 0.05,
        "last_error": "connection refused" if down else None,
        "consecutive_failures": 15 if down else 0, "first_seen_ms": start_ms,
        "last_seen_ms": last_seen, "health_since_ms": last_seen if down else start_ms,
    }  # fmt: skip


# Rows are made in time order, each instant's in series order, as the scraper's batches land.
# age: ms since the server's last reboot; the counter's sine term makes its rate swing by half
# over a day while staying positive, and its noise (at most 36 s of rate) is smaller than the
# least it grows in one scrape (60 s of rate), so it only ever decreases at a reboot.
_SAMPLES = f"""
SELECT b.series_id, g.t, CASE b.kind
    WHEN 'counter' THEN b.level * (b.age / 1000.0
        + 0.5 * 86400 / (2 * pi()) * sin(2 * pi() * b.age / {DAY_MS}) + 36 * random())
    WHEN 'gauge' THEN b.level + b.swing * (0.6 * sin(2 * pi() * (g.t + b.phase_ms) / {DAY_MS})
        + 0.4 * (2 * random() - 1))
    WHEN 'boot' THEN (g.t - b.age) / 1000.0
    ELSE b.level END
FROM generate_series(:low, :high, {SCRAPE_MS}::bigint) g(t)
CROSS JOIN LATERAL (
    SELECT *, (g.t - phase_ms) % {REBOOT_DAYS * DAY_MS} AS age
    FROM bench_shapes WHERE g.t < until_ms ORDER BY series_id
) b
"""


def _bounds(start_ms: int, end_ms: int) -> dict[str, int]:
    return {"low": -(-start_ms // SCRAPE_MS) * SCRAPE_MS, "high": end_ms - 1}


def fill(backend: Backend, start_ms: int, end_ms: int) -> int:
    """Every server's samples at the scrape instants in [start_ms, end_ms), into partitions that
    exist already; return the rows written."""
    with backend.writing() as conn:
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        insert = "INSERT INTO samples (series_id, t, value) " + _SAMPLES
        return conn.execute(text(insert), _bounds(start_ms, end_ms)).rowcount


def fill_day(backend: Backend, day_ms: int, start_ms: int, end_ms: int) -> int:
    """Like `fill`, for a day without a partition yet: the partition is written as a plain table,
    given its primary key in one sorted build (not row by row) and then attached."""
    name = partitions.name_of(day_ms)
    with backend.writing() as conn:
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        conn.exec_driver_sql(
            f'CREATE TABLE "{name}" (series_id bigint NOT NULL, t bigint NOT NULL, value float8)'
        )
        rows = conn.execute(
            text(f'INSERT INTO "{name}" ' + _SAMPLES), _bounds(start_ms, end_ms)
        ).rowcount
        conn.exec_driver_sql(f'ALTER TABLE "{name}" ADD PRIMARY KEY (series_id, t)')
        conn.exec_driver_sql(
            f'ALTER TABLE samples ATTACH PARTITION "{name}" '
            f"FOR VALUES FROM ({day_ms}) TO ({day_ms + DAY_MS})"
        )
        return rows


def advance(backend: Backend, end_ms: int) -> None:
    """The targets as the scraper would leave them after a scrape at ``end_ms``."""
    with backend.writing() as conn:
        conn.exec_driver_sql(
            "UPDATE targets SET last_scrape_ms = %(end)s, "
            "last_seen_ms = CASE health WHEN 'up' THEN %(end)s ELSE last_seen_ms END",
            {"end": end_ms},
        )

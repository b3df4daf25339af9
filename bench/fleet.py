"""The web benchmark's fleet: targets in the database, samples as OpenMetrics lines.

Every server exposes the SHAPES below (the 34 node_exporter series the server page reads),
scraped every two minutes. `create` writes the targets, their health history and the metadata;
`write` makes the samples of a time range as OpenMetrics lines with timestamps, which
bench/loader.py imports through ``db import``'s entry like any history brought in. Counters
grow at a rate that follows a daily cycle and reset when their server reboots (every
REBOOT_DAYS, at a per-server phase); gauges are a daily wave plus noise. Values are rounded to
the precision node_exporter reports them at (whole bytes, centiseconds, ...), since that
precision is what a compressed store's size depends on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TextIO

import numpy as np
from sqlalchemy import Connection, insert, text

from bench.day import labels_text
from model.clock import DAY_MS
from model.samples import Labels, Metadata
from storage import schema
from storage.backend import Backend
from storage.catalog import store as store_metadata

SCRAPE_MS = 120_000
JOB = "node"
REBOOT_DAYS = 9
GIB = 2**30
Kind = Literal["counter", "gauge", "boot", "constant"]


@dataclass(frozen=True, slots=True)
class Shape:
    """One series of every server: ``level`` is a counter's rate per second, a gauge's mean or
    a constant's value; ``swing`` is a gauge's daily amplitude (noise is 2/3 of it); values
    are rounded to ``digits`` decimals (negative: to tens, hundreds, ...)."""

    name: str
    kind: Kind
    level: float
    swing: float = 0.0
    labels: Labels = ()
    digits: int = 0


def _cpu(mode: str, rate: float) -> Shape:
    labels = (("cpu", "0"), ("mode", mode))
    return Shape("node_cpu_seconds_total", "counter", rate, labels=labels, digits=2)


def _device(name: str, kind: Kind, level: float, device: str, digits: int = 0) -> Shape:
    return Shape(name, kind, level, labels=(("device", device),), digits=digits)


def _fs(kind: str, mount: str, size: float, swing: float) -> Shape:
    device = (("device", f"/dev/{mount.strip('/') or 'root'}"), ("fstype", "ext4"))
    labels = (*device, ("mountpoint", mount))
    return Shape(f"node_filesystem_{kind}_bytes", "gauge", size * GIB, swing * GIB, labels, -3)


OS = (("id", "debian"), ("pretty_name", "Debian GNU/Linux 12 (bookworm)"))
UNAME = (("machine", "x86_64"), ("release", "6.1.0-18-amd64"), ("sysname", "Linux"))
SHAPES = (
    _cpu("idle", 0.7),
    _cpu("user", 0.22),
    _cpu("system", 0.06),
    _cpu("iowait", 0.01),
    *(
        Shape(f"node_memory_{name}_bytes", "gauge", level * GIB, swing * GIB, digits=-3)
        for name, level, swing in (
            ("MemTotal", 16, 0),
            ("MemFree", 3, 1),
            ("MemAvailable", 6, 1.5),
            ("Buffers", 0.5, 0.1),
            ("Cached", 3, 0.5),
            ("SwapTotal", 2, 0),
            ("SwapFree", 1.9, 0.05),
        )
    ),
    _fs("size", "/", 100, 0),
    _fs("avail", "/", 40, 5),
    _fs("size", "/boot", 1, 0),
    _fs("avail", "/boot", 0.3, 0.05),
    _device("node_network_receive_bytes_total", "counter", 2e5, "eth0"),
    _device("node_network_transmit_bytes_total", "counter", 1e5, "eth0"),
    _device("node_network_receive_errs_total", "counter", 1e-3, "eth0"),
    _device("node_network_transmit_errs_total", "counter", 1e-4, "eth0"),
    _device("node_network_receive_drop_total", "counter", 1e-2, "eth0"),
    _device("node_network_transmit_drop_total", "counter", 1e-4, "eth0"),
    _device("node_disk_read_bytes_total", "counter", 5e4, "sda"),
    _device("node_disk_written_bytes_total", "counter", 2e5, "sda"),
    _device("node_disk_reads_completed_total", "counter", 3.0, "sda"),
    _device("node_disk_writes_completed_total", "counter", 12.0, "sda"),
    _device("node_disk_read_time_seconds_total", "counter", 0.004, "sda", 3),
    _device("node_disk_write_time_seconds_total", "counter", 0.02, "sda", 3),
    Shape("node_load1", "gauge", 1.0, 0.8, digits=2),
    Shape("node_load5", "gauge", 1.0, 0.6, digits=2),
    Shape("node_load15", "gauge", 1.0, 0.4, digits=2),
    Shape("node_hwmon_temp_celsius", "gauge", 45.0, 8.0, (("chip", "coretemp"),), 1),
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
    """The metadata, targets and their health history; no series or samples yet."""
    with backend.writing() as conn:
        store_metadata(backend, conn, METADATA)
        for server in range(servers):
            _server(conn, server, start_ms, end_ms)


def _server(conn: Connection, server: int, start_ms: int, end_ms: int) -> None:
    name = instance(server)
    until = _until(server, end_ms)
    conn.execute(insert(schema.targets).values(_target(name, server, start_ms, end_ms)))
    history = {"job": JOB, "instance": name, "t": start_ms, "health": "up", "reason": None}
    down = {**history, "t": until, "health": "down", "reason": "connection refused"}
    conn.execute(insert(schema.health_history), [history, down] if is_down(server) else [history])


def _until(server: int, end_ms: int) -> int:
    return end_ms - 30 * 60_000 if is_down(server) else 2**62


def write(out: TextIO, servers: int, start_ms: int, end_ms: int, loaded_end_ms: int) -> None:
    """Every server's samples at the scrape instants in [start_ms, end_ms) as OpenMetrics lines,
    series by series; a down server's stop 30 minutes before ``loaded_end_ms``."""
    low = -(-start_ms // SCRAPE_MS) * SCRAPE_MS
    times = np.arange(low, end_ms, SCRAPE_MS, dtype=np.int64)
    rng = np.random.default_rng(low // SCRAPE_MS)
    for server in range(servers):
        kept = times[times < _until(server, loaded_end_ms)]
        stamps = [f" {t // 1000}\n" for t in kept.tolist()]
        for shape in SHAPES:
            values = _values(shape, server, kept, rng)
            prefix = f"{shape.name}{{{labels_text(_labels(shape, instance(server)))}}} "
            out.writelines(f"{prefix}{v!r}{t}" for v, t in zip(values, stamps, strict=True))


def _values(shape: Shape, server: int, times: np.ndarray, rng: np.random.Generator) -> list[float]:
    """The shape's values at ``times`` for ``server`` (age: ms since the server's last reboot;
    the counter's sine term makes its rate swing by half over a day while staying positive, and
    its noise (at most 36 s of rate) is smaller than the least it grows in one scrape (60 s of
    rate), so it only ever decreases at a reboot)."""
    scale = 0.5 + (server % 10) / 10
    phase = server * 7_919_000 % (REBOOT_DAYS * DAY_MS)
    age = (times - phase) % (REBOOT_DAYS * DAY_MS)
    noise = rng.random(times.size)
    if shape.kind == "counter":
        wave = 0.5 * 86400 / (2 * math.pi) * np.sin(2 * math.pi * age / DAY_MS)
        values = shape.level * scale * (age / 1000.0 + wave + 36 * noise)
    elif shape.kind == "gauge":
        wave = 0.6 * np.sin(2 * math.pi * (times + phase) / DAY_MS)
        values = shape.level + shape.swing * scale * (wave + 0.4 * (2 * noise - 1))
    elif shape.kind == "boot":
        values = (times - age) / 1000.0
    else:
        values = np.full(times.size, shape.level)
    rounded: list[float] = np.round(values, shape.digits).tolist()
    return rounded


def _labels(shape: Shape, name: str) -> Labels:
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


def advance(backend: Backend, end_ms: int) -> None:
    """The targets as the scraper would leave them after a scrape at ``end_ms``."""
    with backend.writing() as conn:
        conn.execute(
            text(
                "UPDATE targets SET last_scrape_ms = :end, "
                "last_seen_ms = CASE health WHEN 'up' THEN :end ELSE last_seen_ms END"
            ),
            {"end": end_ms},
        )

"""timex: the kernel clock discipline (NTP) state from adjtimex(2) (node_exporter's collector).

Called read-only (modes 0) through libc with ctypes; the struct layout is Linux's ``struct
timex``. Units follow node_exporter: offsets and jitter in seconds (nanoseconds when the
kernel's STA_NANO status bit is set, microseconds otherwise), frequencies from the kernel's
scaled parts-per-million.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from collections.abc import Callable, Iterator

from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.config import CollectorOptions
from exporter.families import family
from exporter.host import Host

TIME_ERROR = 5  # adjtimex's return value when the clock is not synchronised
STA_NANO = 0x2000
PPM16 = 1_000_000 * 65536  # frequencies are parts per million with a 16-bit fraction


class Timex(ctypes.Structure):
    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("constant", ctypes.c_long),
        ("precision", ctypes.c_long),
        ("tolerance", ctypes.c_long),
        ("time_sec", ctypes.c_long),
        ("time_usec", ctypes.c_long),
        ("tick", ctypes.c_long),
        ("ppsfreq", ctypes.c_long),
        ("jitter", ctypes.c_long),
        ("shift", ctypes.c_int),
        ("stabil", ctypes.c_long),
        ("jitcnt", ctypes.c_long),
        ("calcnt", ctypes.c_long),
        ("errcnt", ctypes.c_long),
        ("stbcnt", ctypes.c_long),
        ("tai", ctypes.c_int),
        ("padding", ctypes.c_int * 11),
    ]


Adjtimex = Callable[[], tuple[int, Timex]]


@functools.cache
def libc() -> ctypes.CDLL:
    # find_library runs ldconfig in a subprocess: once per exporter, not once per scrape
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def adjtimex() -> tuple[int, Timex]:
    """(clock state, struct timex) of the running kernel."""
    state = Timex()
    result = libc().adjtimex(ctypes.byref(state))
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    return result, state


HELP = {
    "node_timex_sync_status": "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
    "node_timex_offset_seconds": "Time offset in between local system and reference clock.",
    "node_timex_frequency_adjustment_ratio": "Local clock frequency adjustment.",
    "node_timex_maxerror_seconds": "Maximum error in seconds.",
    "node_timex_estimated_error_seconds": "Estimated error in seconds.",
    "node_timex_status": "Value of the status array bits.",
    "node_timex_loop_time_constant": "Phase-locked loop time constant.",
    "node_timex_tick_seconds": "Seconds between clock ticks.",
    "node_timex_pps_frequency_hertz": "Pulse per second frequency.",
    "node_timex_pps_jitter_seconds": "Pulse per second jitter.",
    "node_timex_pps_shift_seconds": "Pulse per second interval duration.",
    "node_timex_pps_stability_hertz": "Pulse per second stability, average of recent frequency "
    "changes.",
    "node_timex_pps_jitter_total": "Pulse per second count of jitter limit exceeded events.",
    "node_timex_pps_calibration_total": "Pulse per second count of calibration intervals.",
    "node_timex_pps_error_total": "Pulse per second count of calibration errors.",
    "node_timex_pps_stability_exceeded_total": "Pulse per second count of stability limit "
    "exceeded events.",
    "node_timex_tai_offset_seconds": "International Atomic Time (TAI) offset.",
}


class TimexCollector(HostCollector):
    name = "timex"

    def __init__(self, host: Host, options: CollectorOptions | None = None) -> None:
        super().__init__(host, options)
        self.adjtimex: Adjtimex = adjtimex  # replaceable, so tests can give a known clock state

    def collect(self) -> Iterator[Metric]:
        for name, value in readings(*self.adjtimex()).items():
            metric = family(name, HELP[name])
            metric.add_metric([], value)
            yield metric


def readings(state: int, timex: Timex) -> dict[str, float]:
    """Every node_timex_ metric's value, in node_exporter's units."""
    divisor = 1e9 if timex.status & STA_NANO else 1e6
    return {
        "node_timex_sync_status": float(state != TIME_ERROR),
        "node_timex_offset_seconds": timex.offset / divisor,
        "node_timex_frequency_adjustment_ratio": 1 + timex.freq / PPM16,
        "node_timex_maxerror_seconds": timex.maxerror / 1e6,
        "node_timex_estimated_error_seconds": timex.esterror / 1e6,
        "node_timex_status": timex.status,
        "node_timex_loop_time_constant": timex.constant,
        "node_timex_tick_seconds": timex.tick / 1e6,
        "node_timex_pps_frequency_hertz": timex.ppsfreq / PPM16,
        "node_timex_pps_jitter_seconds": timex.jitter / divisor,
        "node_timex_pps_shift_seconds": timex.shift,
        "node_timex_pps_stability_hertz": timex.stabil / PPM16,
        "node_timex_pps_jitter_total": timex.jitcnt,
        "node_timex_pps_calibration_total": timex.calcnt,
        "node_timex_pps_error_total": timex.errcnt,
        "node_timex_pps_stability_exceeded_total": timex.stbcnt,
        "node_timex_tai_offset_seconds": timex.tai,
    }

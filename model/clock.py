"""The server side's one clock: unix time in milliseconds, the unit storage keeps times in.

Whatever needs "now" takes a :data:`Clock` (default :func:`now_ms`), so a test can pin it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], int]
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def now_ms() -> int:
    return time.time_ns() // 1_000_000

"""Prometheus's stale marker: the NaN a series gets when its target stops exposing it.

The scraper writes one at the scrape's time for a series the previous scrape had and this one
lacks (or all of them when the scrape fails, or the target is removed); Prometheus agents send
them by remote write. A reader treats a stale marker as "no value from here on": PromQL's
selectors return nothing for it, latest values and charts show no value, never a NaN. An
ordinary NaN (a summary with no observations) is a value and is shown.
"""

from __future__ import annotations

import struct

import numpy as np
import numpy.typing as npt

STALE_NAN_BITS = 0x7FF0000000000002
"""Prometheus's value.StaleNaN: a signalling-NaN payload no arithmetic produces."""
STALE_NAN: float = struct.unpack("<d", struct.pack("<Q", STALE_NAN_BITS))[0]


def is_stale(value: float) -> bool:
    """Whether ``value`` is the stale marker (only its exact bits: any other NaN is a value)."""
    return value != value and struct.pack("<d", value) == _STALE_BYTES


def stale(values: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are stale markers: one pass over their bits."""
    found: npt.NDArray[np.bool_] = values.view(np.uint64) == STALE_NAN_BITS
    return found


_STALE_BYTES = struct.pack("<Q", STALE_NAN_BITS)

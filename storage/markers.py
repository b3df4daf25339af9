"""How a stale marker (model.staleness) is kept in a plain sample row.

A plain row stores NaN as NULL, because SQLite cannot store a NaN (and PostgreSQL keeps no NaN
payload through text parameters): a stale marker stored so would come back as an ordinary NaN,
a value. So a plain row keeps it as ``STORED``, the negative subnormal whose bits are the
marker's payload with the sign bit set (-1e-323): both backends keep its exact bits, and no
exporter measures it. Rows are mapped back on every read of plain rows (``restored``); chunks
(storage/codec.py) keep the marker's own bits.
"""

from __future__ import annotations

import math
import struct

import numpy as np

from model.staleness import STALE_NAN, is_stale
from storage.codec import Values

STORED_BITS = 0x8000000000000002
STORED: float = struct.unpack("<d", struct.pack("<Q", STORED_BITS))[0]


def stored(nan: float) -> float | None:
    """A NaN as a plain row keeps it: the marker as STORED, any other NaN as NULL."""
    return STORED if is_stale(nan) else None


def restored(values: Values) -> Values:
    """Plain rows' values with STORED read back as the stale marker (in place)."""
    values[values.view(np.uint64) == STORED_BITS] = STALE_NAN
    return values


def value_of(row: float | None) -> float:
    """One plain row's value as stored: NULL is NaN, STORED the stale marker."""
    if row is None:
        return math.nan
    # Only STORED itself compares equal to STORED (it is neither zero nor a NaN).
    return STALE_NAN if row == STORED else row

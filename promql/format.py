"""Numbers as Prometheus prints them (Go's strconv.FormatFloat(v, 'f', -1, 64))."""

from __future__ import annotations

import math

import numpy as np


def go_float(value: float) -> str:
    """The shortest decimal that reads back as ``value``, never in exponent form."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return np.format_float_positional(value, unique=True, trim="-")

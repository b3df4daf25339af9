"""Numbers as Prometheus prints them (Go's strconv.FormatFloat(v, 'f', -1, 64))."""

from __future__ import annotations

import numpy as np


def go_float(value: float) -> str:
    """The shortest decimal that reads back as ``value``, never in exponent form."""
    # Python's repr is the same shortest decimal, and ten times faster than numpy's
    # formatting, which a day of points per series would otherwise spend most of its time in;
    # only the exponent form (below 1e-4, from 1e16), inf and nan need another spelling.
    text = repr(value)
    if "e" in text or "n" in text:
        if value != value:
            return "NaN"
        if value in (np.inf, -np.inf):
            return "+Inf" if value > 0 else "-Inf"
        return np.format_float_positional(value, unique=True, trim="-")
    return text[:-2] if text.endswith(".0") else text

"""Range functions over many series at once give, series by series, the bits they give over
each series alone (promql/windows.py evaluates blocks of series as one array)."""

from __future__ import annotations

import numpy as np
import pytest

from promql import windows
from promql.values import Matrix, Samples

START = 1_750_000_000_000
STEP = 60_000


def many_series(count: int) -> list[Samples]:
    """Counters with their own intervals, jitter, gaps and resets (a few without samples)."""
    rng = np.random.default_rng(7)
    found = []
    for i in range(count):
        size = 0 if i % 97 == 5 else int(rng.integers(2, 200))
        t = START + np.cumsum(rng.integers(5_000, 90_000, size)).astype(np.int64)
        values = np.cumsum(rng.random(size) * 100)
        if i % 3 == 0 and size > 10:
            values[size // 2 :] -= values[size // 2]  # a reset
        found.append(Samples((("__name__", "c"), ("i", str(i))), t, values))
    return found


@pytest.mark.parametrize(("counter", "per_second"), [(True, True), (True, False), (False, False)])
def test_extrapolated_over_a_fleet_equals_each_series_alone(
    counter: bool, per_second: bool
) -> None:
    series = many_series(windows.BLOCK * 2 + 7)
    ends = START + np.arange(0, 4 * 3_600_000, STEP, dtype=np.int64)
    together = windows.extrapolated(Matrix(series, ends, 300_000), counter, per_second)

    alone = [
        found
        for one in series
        for found in windows.extrapolated(Matrix([one], ends, 300_000), counter, per_second)
    ]
    assert len(together) == len(alone) > windows.BLOCK * 2
    for mine, theirs in zip(together, alone, strict=True):
        assert mine.labels == theirs.labels
        assert mine.present.tolist() == theirs.present.tolist()
        shown = mine.present
        assert mine.values[shown].tobytes() == theirs.values[shown].tobytes()

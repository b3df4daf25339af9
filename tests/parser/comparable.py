"""Samples in a form where equality means "the same sample", NaN included."""

from __future__ import annotations

import math
from collections.abc import Iterable

from model.samples import Sample

Comparable = tuple[str, tuple[tuple[str, str], ...], float | str, int | None]


def comparable(
    name: str, labels: Iterable[tuple[str, str]], value: float, ms: int | None
) -> Comparable:
    """One sample with its labels sorted; NaN becomes text so that it equals itself."""
    return name, tuple(sorted(labels)), "NaN" if math.isnan(value) else value, ms


def comparables(samples: Iterable[Sample]) -> list[Comparable]:
    return [comparable(s.name, s.labels, s.value, s.timestamp_ms) for s in samples]

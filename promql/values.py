"""The values an expression evaluates to, over every step of a query at once.

A range query of N steps is evaluated node by node over all N steps together (Prometheus
evaluates step by step; the results are the same, and numpy does each node's work in bulk):
an instant vector is a list of series, each with one value per step and a mask of the steps
where it has a sample; a scalar is one value per step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Times = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Labels = tuple[tuple[str, str], ...]
"""Sorted by name, empty values left out; the metric name is the label ``__name__``."""

NAME = "__name__"


@dataclass(frozen=True, slots=True)
class Grid:
    """The evaluation times of a query: start, start + step, ... up to end (ms)."""

    start_ms: int
    end_ms: int
    step_ms: int

    @property
    def times(self) -> Times:
        return np.arange(self.start_ms, self.end_ms + 1, self.step_ms, dtype=np.int64)

    @property
    def size(self) -> int:
        return (self.end_ms - self.start_ms) // self.step_ms + 1


@dataclass(slots=True)
class Series:
    """One series of an instant vector: its value at each step where ``present``."""

    labels: Labels
    values: Floats
    present: Mask


Vector = list[Series]


@dataclass(frozen=True, slots=True)
class Scalar:
    values: Floats


@dataclass(frozen=True, slots=True)
class String:
    value: str


@dataclass(frozen=True, slots=True)
class Samples:
    """One series' samples in time order."""

    labels: Labels
    t: Times
    values: Floats


@dataclass(frozen=True, slots=True)
class Matrix:
    """A range vector at each step: the samples of each series in [end - range_ms, end], for
    each step's window ``ends`` (the step's time less offset, or its @ time)."""

    series: list[Samples]
    ends: Times
    range_ms: int


Value = Vector | Scalar | String | Matrix


def labels_of(pairs: Iterable[tuple[str, str]]) -> Labels:
    return tuple(sorted((name, value) for name, value in pairs if value))


def without_name(labels: Labels) -> Labels:
    return tuple(pair for pair in labels if pair[0] != NAME)


def keep(labels: Labels, names: Sequence[str]) -> Labels:
    wanted = set(names)
    return tuple(pair for pair in labels if pair[0] in wanted)


def drop(labels: Labels, names: Sequence[str]) -> Labels:
    unwanted = set(names)
    return tuple(pair for pair in labels if pair[0] not in unwanted)


def with_label(labels: Labels, name: str, value: str) -> Labels:
    return labels_of([*(pair for pair in labels if pair[0] != name), (name, value)])


def get(labels: Labels, name: str) -> str:
    for key, value in labels:
        if key == name:
            return value
    return ""


def text(labels: Labels) -> str:
    """As Prometheus prints a label set in messages: {a="1", b="2"}."""
    return "{" + ", ".join(f'{name}="{value}"' for name, value in labels) + "}"

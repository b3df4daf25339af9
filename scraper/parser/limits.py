"""The limits a scrape enforces on a body, as Prometheus's scrape config does (0 = no limit)."""

from __future__ import annotations

from dataclasses import dataclass

from model.errors import LimitError
from model.samples import Sample


@dataclass(frozen=True, slots=True)
class Limits:
    """Breaking any of these fails the whole scrape with a :class:`LimitError`."""

    sample_limit: int = 0
    label_limit: int = 0
    """Most labels on one sample."""
    label_name_length_limit: int = 0
    label_value_length_limit: int = 0

    @property
    def on_labels(self) -> bool:
        return bool(
            self.label_limit or self.label_name_length_limit or self.label_value_length_limit
        )

    def check_count(self, total: int) -> str:
        """What is wrong with `total` samples in the body so far, or ""."""
        if self.sample_limit and total > self.sample_limit:
            return f"{total:,} samples over sample_limit {self.sample_limit:,}"
        return ""

    def check_labels(self, sample: Sample) -> str:
        """What is wrong with the labels of `sample`, or ""."""
        labels = sample.labels
        if self.label_limit and len(labels) > self.label_limit:
            return (
                f"{len(labels):,} labels on {sample.name!r} over label_limit {self.label_limit:,}"
            )
        for name, value in labels:
            if self.label_name_length_limit and len(name) > self.label_name_length_limit:
                return (
                    f"label name {name[:40]!r} of {len(name):,} characters over "
                    f"label_name_length_limit {self.label_name_length_limit:,}"
                )
            if self.label_value_length_limit and len(value) > self.label_value_length_limit:
                return (
                    f"value of label {name!r} has {len(value):,} characters, over "
                    f"label_value_length_limit {self.label_value_length_limit:,}"
                )
        return ""


def enforce(limits: Limits, batch: list[Sample], total: int, lines: list[str], first: int) -> int:
    """Raises LimitError naming the line of the first sample of `batch` over a label limit; if
    instead `total` went over sample_limit, returns the line of the first sample over it (else 0).

    `batch` came from `lines` (numbered from `first`); `total` counts every sample so far. Only the
    failing case walks the lines again, so the check costs nothing per line when all is well.
    """
    over = bool(limits.check_count(total))
    culprit = len(batch) - (total - limits.sample_limit) if over else len(batch)
    if limits.on_labels:
        for index, sample in enumerate(batch[:culprit]):
            problem = limits.check_labels(sample)
            if problem:
                raise LimitError(_line_of_sample(lines, first, index), problem)
    return _line_of_sample(lines, first, culprit) if over else 0


def _line_of_sample(lines: list[str], first: int, index: int) -> int:
    """The number of the line that held sample `index` of a batch that parsed without error."""
    for number, line in enumerate(lines, first):
        stripped = line.lstrip(" \t")
        if stripped and stripped[0] != "#":
            if index == 0:
                return number
            index -= 1
    return first + len(lines) - 1

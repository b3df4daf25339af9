"""Where in a body a sample breaks the per-scrape limits of :class:`model.limits.Limits`."""

from __future__ import annotations

from model.errors import LimitError
from model.limits import Limits
from model.samples import Sample


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

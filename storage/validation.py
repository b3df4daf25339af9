"""The Limits a stored sample must respect: one home for the rules, used twice.

The scraper screens each scrape with ``series_problem`` and ``in_bounds`` before it is buffered
(a sample out of bounds is dropped and counted, a series over a limit fails that scrape), so a
bad sample never hides its target; the writer checks again and refuses a batch that still
breaks one. Nothing is ever truncated.
"""

from __future__ import annotations

from model.errors import InvalidSampleError
from model.limits import Limits
from model.names import LABEL_NAME_SYNTAX, METRIC_NAME_SYNTAX, is_label_name, is_metric_name
from model.samples import Labels
from storage.model import ScrapeRecord

_SHOWN = 60


def check_series(name: str, labels: Labels, limits: Limits) -> None:
    """Raise InvalidSampleError naming the series, the label and the limit it breaks."""
    problem = series_problem(name, labels, limits)
    if problem is not None:
        raise InvalidSampleError(problem)


def series_problem(name: str, labels: Labels, limits: Limits) -> str | None:
    """What makes this series unfit to store, naming it and the limit; None if it is fine."""
    problem = _shape_problem(name, labels, limits)
    return None if problem is None else f"series {_describe(name, labels)}: {problem}"


def _shape_problem(name: str, labels: Labels, limits: Limits) -> str | None:
    if len(name) > limits.max_metric_name_length:
        return (
            f"metric name is {len(name)} characters, "
            f"over max_metric_name_length={limits.max_metric_name_length}"
        )
    if not is_metric_name(name):
        return f"metric name {name!r} is not {METRIC_NAME_SYNTAX}"
    if len(labels) > limits.max_labels:
        return f"{len(labels)} labels, over max_labels={limits.max_labels}"
    if len({label for label, _ in labels}) != len(labels):
        return "a label name appears twice"
    problems = (_label_problem(label, value, limits) for label, value in labels)
    return next((problem for problem in problems if problem is not None), None)


def in_bounds(timestamp_ms: int, scraped_ms: int, limits: Limits) -> bool:
    """Whether a sample's own timestamp lies within max_timestamp_skew_ms of its scrape."""
    return abs(timestamp_ms - scraped_ms) <= limits.max_timestamp_skew_ms


def check_timestamp(record: ScrapeRecord, timestamp_ms: int, limits: Limits) -> None:
    if not in_bounds(timestamp_ms, record.timestamp_ms, limits):
        skew = abs(timestamp_ms - record.timestamp_ms)
        raise InvalidSampleError(
            f"target {record.job}/{record.instance}: sample timestamp {timestamp_ms} is "
            f"{skew} ms from the scrape's {record.timestamp_ms}, "
            f"over max_timestamp_skew_ms={limits.max_timestamp_skew_ms}"
        )


def _label_problem(label: str, value: str, limits: Limits) -> str | None:
    if len(label) > limits.max_label_name_length:
        return (
            f"label name {_shorten(label)!r} is {len(label)} characters, "
            f"over max_label_name_length={limits.max_label_name_length}"
        )
    if not is_label_name(label):
        return f"label name {label!r} is not {LABEL_NAME_SYNTAX}"
    if len(value) > limits.max_label_value_length:
        return (
            f"value of label {label!r} is {len(value)} characters, "
            f"over max_label_value_length={limits.max_label_value_length}"
        )
    return None


def _describe(name: str, labels: Labels) -> str:
    pairs = ",".join(f"{label}={_shorten(value)!r}" for label, value in labels[:8])
    more = ",…" if len(labels) > 8 else ""
    return f"{_shorten(name)}{{{pairs}{more}}}"


def _shorten(text: str) -> str:
    # Only for the message: the offending value is refused whole, never cut and stored.
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}…"

"""The one limits type: what a scrape may bring in and what a stored series may look like.

targets.yml owns it: each job's ``Limits`` holds Prometheus's per-scrape keys (``sample_limit``,
``body_size_limit``, ``label_limit``, ``label_name_length_limit``, ``label_value_length_limit``;
0 means no limit) read from the file, beside the ceilings of what storage can hold (the
``max_*`` fields, not configurable). The same value is handed down: the fetcher bounds the body
with it, the parser checks the per-scrape keys, the scrape screen and storage check the ceilings.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from model.clock import DAY_MS
from model.errors import ConfigError
from model.samples import Sample

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

DEFAULT_BODY_SIZE_LIMIT = 10 * 2**20
DEFAULT_SAMPLE_LIMIT = 50_000
"""Prometheus has no default; an operator's product should, so that one target serving a
million samples fails alone with its reason ("1,050,000 samples over sample_limit 50,000")
instead of taking the scraper's memory and the write buffer. hostwatch's exporter serves ~400
samples, a large node_exporter host a few thousand."""

_PER_SCRAPE = frozenset(
    {
        "sample_limit",
        "body_size_limit",
        "label_limit",
        "label_name_length_limit",
        "label_value_length_limit",
    }
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Breaking a per-scrape limit fails the scrape; a series over a ``max_*`` ceiling cannot be
    stored (the scrape screen fails its scrape, storage refuses a batch holding it).

    ``max_timestamp_skew_ms`` bounds how far a sample's own timestamp may lie from its scrape's
    start, so a host with a broken clock cannot scatter samples over years of partitions.
    """

    sample_limit: int = DEFAULT_SAMPLE_LIMIT
    body_size_limit: int = DEFAULT_BODY_SIZE_LIMIT
    label_limit: int = 0
    """Most labels on one sample."""
    label_name_length_limit: int = 0
    label_value_length_limit: int = 0
    max_metric_name_length: int = 256
    max_label_name_length: int = 128
    max_label_value_length: int = 2048
    max_labels: int = 64
    max_timestamp_skew_ms: int = DAY_MS

    def __post_init__(self) -> None:
        check_positive(self, (int,), unlimited=_PER_SCRAPE)

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
        """What is wrong with the labels of `sample` under the per-scrape limits, or ""."""
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


def check_positive(
    limits: DataclassInstance, kinds: tuple[type, ...], unlimited: Collection[str] = ()
) -> None:
    """The one check of a limits dataclass: every field a number of one of ``kinds`` (a bool is
    none) above 0, but those named in ``unlimited``, from targets.yml, which may be 0 for no
    limit. ConfigError names the first field that is not."""
    noun = "integer" if kinds == (int,) else "number"
    for field in fields(limits):
        value = getattr(limits, field.name)
        number = type(value) in kinds
        if field.name in unlimited:
            if not number or value < 0:
                raise ConfigError(
                    f"{field.name}: expected a number >= 0 (0 means no limit), got {value}"
                )
        elif not number or value <= 0:
            name = f"{type(limits).__name__}.{field.name}"
            raise ConfigError(f"{name} must be a positive {noun}, got {value!r}")


UNLIMITED_SCRAPE = Limits(sample_limit=0, body_size_limit=0)
"""For parsing outside a scrape (tools, tests): no per-scrape limit, storage's ceilings kept."""

"""Storage settings: how long data is kept and what a sample may look like."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from model.errors import ConfigError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def _require_positive(owner: DataclassInstance) -> None:
    for field in fields(owner):
        value = getattr(owner, field.name)
        if type(value) is not int or value <= 0:
            raise ConfigError(
                f"{type(owner).__name__}.{field.name} must be a positive integer, got {value!r}"
            )


@dataclass(frozen=True, slots=True)
class Retention:
    """Raw samples are kept `raw_days`, hourly rollups `rollup_days` (whole UTC days)."""

    raw_days: int = 30
    rollup_days: int = 400

    def __post_init__(self) -> None:
        _require_positive(self)
        if self.rollup_days < self.raw_days:
            raise ConfigError(
                f"Retention.rollup_days must be at least raw_days ({self.raw_days}), "
                f"got {self.rollup_days}"
            )

    @property
    def raw_ms(self) -> int:
        return self.raw_days * DAY_MS

    @property
    def rollup_ms(self) -> int:
        return self.rollup_days * DAY_MS


@dataclass(frozen=True, slots=True)
class Limits:
    """What one series may look like; a sample over a limit refuses its whole batch.

    ``max_timestamp_skew_ms`` bounds how far a sample's own timestamp may lie from its scrape's
    start, so a host with a broken clock cannot scatter samples over years of partitions.
    """

    max_metric_name_length: int = 256
    max_label_name_length: int = 128
    max_label_value_length: int = 2048
    max_labels: int = 64
    max_timestamp_skew_ms: int = DAY_MS

    def __post_init__(self) -> None:
        _require_positive(self)

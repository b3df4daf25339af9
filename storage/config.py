"""Storage settings: how long data is kept (what a sample may look like is model/limits.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from model.clock import DAY_MS
from model.errors import ConfigError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


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

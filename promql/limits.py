"""What one query may cost; every figure is a Prometheus default unless said otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from model.limits import check_positive


@dataclass(frozen=True, slots=True)
class EngineLimits:
    """``max_samples`` bounds the samples a query reads and makes (--query.max-samples);
    ``max_series`` the series one selector may match (hostwatch's own); ``timeout_s`` a
    query's time (--query.timeout); ``lookback_ms`` how far back an instant vector looks
    (--query.lookback-delta); ``max_points`` a range query's steps; ``subquery_step_ms``
    a subquery's step when it names none (the global evaluation_interval)."""

    max_samples: int = 50_000_000
    max_series: int = 100_000
    timeout_s: float = 120.0
    lookback_ms: int = 300_000
    max_points: int = 11_000
    subquery_step_ms: int = 60_000

    def __post_init__(self) -> None:
        check_positive(self, (int, float))

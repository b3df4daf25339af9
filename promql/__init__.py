"""A PromQL engine on hostwatch's storage, with Prometheus's semantics (see docs/promql.md).

engine = Engine(storage)
result = engine.range('rate(node_cpu_seconds_total[5m])', start_ms, end_ms, 60_000)
payload = results.data(result)  # the "data" of Prometheus's /api/v1/query_range
"""

from promql.engine import Engine, Result
from promql.limits import EngineLimits
from promql.parsing import duration_ms, parse

__all__ = ["Engine", "EngineLimits", "Result", "duration_ms", "parse"]

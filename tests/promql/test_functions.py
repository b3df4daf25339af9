"""Beyond the dashboard: each PromQL function, operator and modifier the engine offers gives
what Prometheus gives on the same captured day (range and instant queries)."""

from __future__ import annotations

import pytest

from tests.promql.compare import difference
from tests.promql.conftest import Sides
from tests.promql.test_yardstick import RANGE_MS, STEP, hostwatch, prometheus

pytestmark = pytest.mark.slow

CPU = 'node_cpu_seconds_total{mode="idle"}'
LOAD = "node_load1"
QUERIES = [
    # Selection: lookback, offset, @, subqueries, regex matchers.
    LOAD,
    f"{LOAD} offset 17m",
    f"{LOAD} @ end()",
    f"{LOAD} @ start() offset -1h",
    'node_network_receive_bytes_total{device=~"l.*"}',
    '{__name__=~"node_load.*"}',
    'node_cpu_seconds_total{mode!~"idle|user", cpu="0"}',
    f"max_over_time(rate({CPU}[5m])[1h:10m])",
    f"avg_over_time({LOAD}[30m:])",
    f"rate({CPU}[7m] offset 3m)",
    # Range functions.
    f"increase({CPU}[1h])",
    f"irate({CPU}[10m])",
    f"idelta({LOAD}[10m])",
    f"delta({LOAD}[1h])",
    f"deriv({LOAD}[1h])",
    f"predict_linear({LOAD}[1h], 3600)",
    f"changes({LOAD}[1h])",
    f"resets({CPU}[1h])",
    f"avg_over_time({LOAD}[1h])",
    f"min_over_time({LOAD}[1h])",
    f"max_over_time({LOAD}[1h])",
    f"sum_over_time({LOAD}[1h])",
    f"count_over_time({LOAD}[1h])",
    f"last_over_time({LOAD}[1h])",
    f"present_over_time({LOAD}[1h])",
    f"stddev_over_time({LOAD}[1h])",
    f"stdvar_over_time({LOAD}[1h])",
    f"quantile_over_time(0.9, {LOAD}[1h])",
    "absent_over_time(nonexistent_metric[1h])",
    # Aggregations.
    "sum by (mode) (node_cpu_seconds_total)",
    "avg without (cpu) (node_cpu_seconds_total)",
    "min by (mode) (node_cpu_seconds_total)",
    "max by (mode) (node_cpu_seconds_total)",
    "count by (mode) (node_cpu_seconds_total)",
    "stddev by (mode) (node_cpu_seconds_total)",
    "stdvar by (mode) (node_cpu_seconds_total)",
    "group by (mode) (node_cpu_seconds_total)",
    "topk(3, node_cpu_seconds_total)",
    "bottomk(2, node_cpu_seconds_total)",
    "topk by (mode) (1, rate(node_cpu_seconds_total[10m]))",
    "quantile by (mode) (0.75, node_cpu_seconds_total)",
    'count_values("cpus", count by (mode) (node_cpu_seconds_total))',
    # Binary operators and matching.
    "node_memory_MemFree_bytes / node_memory_MemTotal_bytes",
    "node_memory_MemFree_bytes > 1000",
    "node_memory_MemFree_bytes > bool 1000",
    "1000 < node_memory_MemFree_bytes",
    "2 ^ 3 - 1",
    "node_load1 % 0.3",
    "node_load1 atan2 node_load5",
    "node_cpu_seconds_total / on (instance) group_left sum by (instance) (node_cpu_seconds_total)",
    "sum by (instance) (node_cpu_seconds_total) / on (instance) group_right node_cpu_seconds_total",
    'node_cpu_seconds_total and on (cpu) node_cpu_seconds_total{mode="idle", cpu="0"}',
    "node_load1 or node_load5",
    'node_cpu_seconds_total unless node_cpu_seconds_total{mode="idle"}',
    "node_load1 == bool ignoring (__name__) node_load5",
    "-node_load1",
    # Instant functions.
    "scalar(node_load1) * 2",
    "vector(1)",
    "time()",
    "timestamp(node_load1)",
    "clamp(node_load1, 0.1, 0.2)",
    "clamp_max(node_load1, 0.1)",
    "abs(-node_load1)",
    "ceil(node_load1)",
    "floor(node_load1)",
    "round(node_load1, 0.1)",
    "sqrt(node_load1)",
    "exp(node_load1)",
    "ln(node_memory_MemTotal_bytes)",
    "log2(node_memory_MemTotal_bytes)",
    "log10(node_memory_MemTotal_bytes)",
    "sgn(node_load1 - 0.1)",
    'label_replace(node_load1, "host", "$1", "instance", "(.*):.*")',
    'label_replace(node_load1, "host", "${1}-x", "instance", "nomatch(.*)")',
    'label_join(node_uname_info, "both", "/", "sysname", "machine")',
    'absent(nonexistent_metric{job="x"})',
    "absent(node_load1)",
    "sort_desc(node_cpu_seconds_total)",
    "hour()",
    "minute(node_time_seconds)",
    "day_of_week()",
    "day_of_month()",
    "days_in_month()",
    "month()",
    "year()",
    # node_exporter has no histogram: CPU numbers as bucket bounds over idle seconds make one.
    'histogram_quantile(0.7, sum by (le) (label_replace(node_cpu_seconds_total{mode="idle"},'
    ' "le", "$1", "cpu", "(.*)")) or label_replace(2 * sum(node_cpu_seconds_total{mode="idle"}),'
    ' "le", "+Inf", "", ""))',
]


@pytest.mark.parametrize("query", QUERIES)
def test_query_over_20_hours_matches_prometheus(sides: Sides, query: str) -> None:
    end = sides.day.end_ms // 1000
    params = {"query": query, "start": str(end - RANGE_MS // 1000), "end": str(end), "step": STEP}

    ours, theirs = hostwatch(sides, "query_range", params), prometheus(sides, "query_range", params)

    assert difference(ours, theirs) is None


@pytest.mark.parametrize("query", QUERIES)
def test_instant_query_matches_prometheus(sides: Sides, query: str) -> None:
    params = {"query": query, "time": str(sides.day.end_ms // 1000 - 3600)}

    ours, theirs = hostwatch(sides, "query", params), prometheus(sides, "query", params)

    assert difference(ours, theirs) is None

"""The yardstick: every Node Exporter Full query gives what Prometheus gives on the same day.

A day of real node_exporter samples is in hostwatch's storage and backfilled into Debian's
Prometheus 2.42 (bench/day.py). Each dashboard query that Prometheus answers with data
must come back from hostwatch's /prometheus/api/v1 with the same series, the same timestamps
and the same values (relative 1e-6): over 20 hours at a 10-minute step, and as an instant
query at the end of the day.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bench.day import JOB
from tests.exporter.test_compat_dashboard import panel_queries
from tests.promql.compare import difference, has_data
from tests.promql.conftest import Sides

pytestmark = pytest.mark.slow

RANGE_MS = 20 * 3_600_000
STEP = "600"
# Grafana's $__rate_interval at a 10-minute step over a 2-minute scrape interval:
# max($__interval + scrape interval, 4 x scrape interval) = 12 minutes.
RATE_INTERVAL = "12m"


def filled(query: str, sides: Sides) -> str:
    return (
        query.replace("$__rate_interval", RATE_INTERVAL)
        .replace("$node", sides.day.instance)
        .replace("$job", JOB)
    )


def prometheus(sides: Sides, path: str, params: dict[str, str]) -> dict[str, Any]:
    response = httpx.get(f"{sides.prometheus}/{path}", params=params, timeout=60)
    response.raise_for_status()
    data: dict[str, Any] = response.json()["data"]
    return data


def hostwatch(sides: Sides, path: str, params: dict[str, str]) -> dict[str, Any]:
    response = sides.hostwatch.get(f"/prometheus/api/v1/{path}", params=params)
    assert response.status_code == 200, (params, response.text)
    data: dict[str, Any] = response.json()["data"]
    return data


def compared(sides: Sides, path: str, params_of: Any, capsys: pytest.CaptureFixture[str]) -> None:
    answered, wrong = 0, []
    queries = list(dict.fromkeys(panel_queries()))
    for query in queries:
        params = params_of(filled(query, sides))
        theirs = prometheus(sides, path, params)
        if not has_data(theirs):
            continue
        answered += 1
        found = difference(hostwatch(sides, path, params), theirs)
        if found:
            wrong.append(f"{query}\n    {found}")
    with capsys.disabled():
        print(
            f"\n{path}: {answered - len(wrong)} of the {answered} dashboard queries Prometheus "
            f"answers with data ({len(queries)} in all) give the same answer from hostwatch"
        )
    assert wrong == []


def test_every_dashboard_query_over_20_hours_matches_prometheus(
    sides: Sides, capsys: pytest.CaptureFixture[str]
) -> None:
    end = sides.day.end_ms // 1000
    window = {"start": str(end - RANGE_MS // 1000), "end": str(end), "step": STEP}
    compared(sides, "query_range", lambda q: {"query": q, **window}, capsys)


def test_every_dashboard_query_as_an_instant_query_matches_prometheus(
    sides: Sides, capsys: pytest.CaptureFixture[str]
) -> None:
    at = str(sides.day.end_ms // 1000)
    compared(sides, "query", lambda q: {"query": q, "time": at}, capsys)


# The dashboard's template variables, as Grafana asks for label_values(selector, label):
# /label/<label>/values?match[]=selector (Grafana 10), or /series?match[]=selector (older).
VARIABLES = [
    ("node_uname_info", "job"),
    ('node_uname_info{job="$job"}', "nodename"),
    ('node_uname_info{job="$job", nodename=~".+"}', "instance"),
    ("", "__name__"),
    ('{job="$job"}', "device"),
]


@pytest.mark.parametrize(("selector", "label"), VARIABLES)
def test_template_variable_values_match_prometheus(sides: Sides, selector: str, label: str) -> None:
    end = sides.day.end_ms // 1000
    window = {"start": str(end - 86_400), "end": str(end)}
    params = {**window, "match[]": filled(selector, sides)} if selector else window
    path = f"label/{label}/values"

    ours, theirs = hostwatch(sides, path, params), prometheus(sides, path, params)

    assert theirs
    assert ours == theirs


@pytest.mark.parametrize("selector", [s for s, _ in VARIABLES if s])
def test_series_of_a_template_variable_selector_match_prometheus(
    sides: Sides, selector: str
) -> None:
    end = sides.day.end_ms // 1000
    params = {"match[]": filled(selector, sides), "start": str(end - 86_400), "end": str(end)}

    def label_sets(found: Any) -> list[list[tuple[str, str]]]:
        return sorted(sorted(series.items()) for series in found)

    ours, theirs = hostwatch(sides, "series", params), prometheus(sides, "series", params)

    assert theirs
    assert label_sets(ours) == label_sets(theirs)

"""Runs the host collectors for one scrape, isolating each one's failure like node_exporter."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector

log = logging.getLogger(__name__)


class NodeCollector:
    """A prometheus-client collector over every enabled host collector.

    Each host collector's families are materialised before any is yielded, so a collector that
    fails half-way contributes nothing rather than half an area; it is reported by
    ``node_scrape_collector_success 0`` while every other collector still answers.
    """

    def __init__(self, collectors: Sequence[HostCollector]) -> None:
        self._collectors = collectors

    def collect(self) -> Iterator[Metric]:
        duration = GaugeMetricFamily(
            "node_scrape_collector_duration_seconds",
            "node_exporter: Duration of a collector scrape.",
            labels=["collector"],
        )
        success = GaugeMetricFamily(
            "node_scrape_collector_success",
            "node_exporter: Whether a collector succeeded.",
            labels=["collector"],
        )
        for collector in self._collectors:
            started = time.perf_counter()
            families = _run(collector)
            duration.add_metric([collector.name], time.perf_counter() - started)
            success.add_metric([collector.name], 0.0 if families is None else 1.0)
            yield from families or ()
        yield duration
        yield success


def _run(collector: HostCollector) -> list[Metric] | None:
    try:
        return list(collector.collect())
    # One collector is an isolation boundary: whatever breaks inside it (an unreadable file, a
    # kernel format it does not know) must cost only its own families, never the whole scrape.
    except Exception:
        log.exception("collector %s failed", collector.name)
        return None

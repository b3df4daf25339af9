"""hostwatch's text-format renderer writes exactly what prometheus-client writes."""

from collections.abc import Iterator

from prometheus_client import generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeHistogramMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    InfoMetricFamily,
    StateSetMetricFamily,
    SummaryMetricFamily,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import CollectorRegistry

from exporter.config import ExporterConfig
from exporter.exposition import text
from exporter.registry import build_registry


class Every:
    """One family of each type, with values and labels that need escaping and formatting."""

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily("odd_values", "HELP with \\ and\nnewline", labels=["v", "w"])
        for i, value in enumerate((0.0, -1.5, 1e21, 123456789.0, float("inf"), float("nan"))):
            gauge.add_metric([f'quote " back \\ line \n {i}', "ü ☃"], value)
        gauge.add_metric(["same", "labels"], 2.0, timestamp=1700000000.5)
        yield gauge
        counter = CounterMetricFamily("done", "Done.", labels=["id"], created=1700000000.0)
        counter.add_metric(["same"], 7.0, created=1700000000.0)
        yield counter
        histogram = HistogramMetricFamily("latency_seconds", "Latency.", labels=["id"])
        histogram.add_metric(["same"], [("0.1", 1.0), ("+Inf", 3.0)], sum_value=0.7)
        yield histogram
        summary = SummaryMetricFamily("size_bytes", "Size.", count_value=2, sum_value=10.0)
        yield summary
        yield InfoMetricFamily("build", "Build.", value={"version": "1.0"})
        yield StateSetMetricFamily("mode", "Mode.", value={"on": True, "off": False})
        gauge_histogram = GaugeHistogramMetricFamily(
            "queue", "Queue.", buckets=[("+Inf", 4.0)], gsum_value=9.0
        )
        yield gauge_histogram
        yield GaugeMetricFamily("no_labels", "", value=3.0)


def test_every_family_type_renders_as_prometheus_client_renders_it() -> None:
    registry = CollectorRegistry()
    registry.register(Every())
    assert text(registry) == generate_latest(registry)


def test_this_hosts_whole_scrape_renders_as_prometheus_client_renders_it() -> None:
    registry = build_registry(ExporterConfig(collectors=frozenset({"cpu", "meminfo", "loadavg"})))
    # Process and GC figures change between two renderings: compare the stable families.
    stable = CollectorRegistry()
    families = [f for f in registry.collect() if not f.name.startswith(("process_", "python_"))]
    stable.register(Fixed(families))
    assert text(stable) == generate_latest(stable)


class Fixed:
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        yield from self.families


def test_a_name_outside_the_classic_set_is_left_to_prometheus_client() -> None:
    registry = CollectorRegistry()
    registry.register(Fixed([GaugeMetricFamily("temperature.celsius", "Dots.", value=1.0)]))
    # prometheus-client's own escaping of such names applies, whatever it is.
    assert text(registry) == generate_latest(registry)
    assert b"temperature.celsius 1.0" not in text(registry)

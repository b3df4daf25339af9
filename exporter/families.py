"""Metric family constructors shared by the collectors, typed the way node_exporter types them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from exporter.host import read_number

Family = CounterMetricFamily | GaugeMetricFamily


def family(name: str, documentation: str, labels: Sequence[str] = ()) -> Family:
    """A counter when the name ends in ``_total`` (node_exporter's convention), else a gauge."""
    if name.endswith("_total"):
        return CounterMetricFamily(name, documentation, labels=labels)
    return GaugeMetricFamily(name, documentation, labels=labels)


def info(name: str, documentation: str, labels: dict[str, str]) -> GaugeMetricFamily:
    """An ``_info``-style gauge: one sample of value 1 carrying ``labels`` (sorted by name)."""
    names = sorted(labels)
    metric = GaugeMetricFamily(name, documentation, labels=names)
    metric.add_metric([labels[label] for label in names], 1.0)
    return metric


def file_gauges(files: Iterable[tuple[Path, str, str]]) -> Iterator[GaugeMetricFamily]:
    """A gauge per (one-number file, metric name, HELP), for the files the kernel has."""
    for path, name, documentation in files:
        value = read_number(path)
        if value is not None:
            yield GaugeMetricFamily(name, documentation, value=value)

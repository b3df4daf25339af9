"""The registry a scrape reads: host collectors, build info and the process self-metrics."""

from __future__ import annotations

import platform
import resource
from collections.abc import Iterator

from prometheus_client import GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import CollectorRegistry

from cli import __version__
from exporter.collectors import build
from exporter.config import ExporterConfig
from exporter.node import NodeCollector


class BuildInfo:
    """``hostwatch_exporter_build_info``: which exporter serves this host, node_exporter-style."""

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily(
            "hostwatch_exporter_build_info",
            "A metric with a constant '1' value labeled by version, pythonversion, os and arch "
            "of the hostwatch exporter.",
            labels=["version", "pythonversion", "os", "arch"],
        )
        info.add_metric(
            [__version__, platform.python_version(), platform.system().lower(), platform.machine()],
            1.0,
        )
        yield info


class AddressSpaceLimit:
    """``process_virtual_memory_max_bytes``, which Go exporters have and prometheus-client's
    process collector lacks; the Node Exporter Full dashboard charts it."""

    def collect(self) -> Iterator[Metric]:
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        # Go reports "unlimited" as the largest uint64, so the dashboard reads the same.
        limit = float(2**64 - 1) if soft == resource.RLIM_INFINITY else float(soft)
        yield GaugeMetricFamily(
            "process_virtual_memory_max_bytes",
            "Maximum amount of virtual memory available in bytes.",
            value=limit,
        )


def build_registry(config: ExporterConfig) -> CollectorRegistry:
    """A fresh registry: nothing here is shared with prometheus-client's global one."""
    registry = CollectorRegistry()
    registry.register(NodeCollector(build(config.collectors, config.host, config.options)))
    registry.register(BuildInfo())
    registry.register(AddressSpaceLimit())
    # Dashboards query process_* (memory, CPU, open fds of the exporter itself).
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry

"""The text format 0.0.4 body, byte for byte as prometheus-client's ``generate_latest`` writes
it, at about half its cost where label sets repeat.

The cgroups collector gives each container one label set (``id``, ``name``, ``image``) over
15 families; prometheus-client validates and escapes every label of every sample again, which
made rendering as costly as reading the cgroup files. Here a label set is rendered once per
scrape. A name outside the classic character set (which no collector here makes) falls back to
prometheus-client, whose escaping rules then apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import cast

from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

# prometheus-client's own number format (Go's, as Prometheus writes it), untyped upstream.
go_float = cast(Callable[[float], str], floatToGoString)

CLASSIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
CLASSIC_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
# prometheus-client's renaming of OpenMetrics types for this format.
TYPES = {"info": "gauge", "stateset": "gauge", "gaugehistogram": "histogram", "unknown": "untyped"}
SUFFIXES = {"counter": "_total", "info": "_info"}
AFTER = ("_created", "_gsum", "_gcount")  # OpenMetrics-only samples: own gauges, at the end


class _NotClassic(Exception):
    """A name this renderer does not escape: prometheus-client renders the whole body."""


def text(registry: Collector) -> bytes:
    try:
        return "".join(_lines(registry.collect())).encode("utf-8")
    except _NotClassic:
        return generate_latest(registry)


def _lines(metrics: Iterable[Metric]) -> Iterable[str]:
    rendered: dict[tuple[tuple[str, str], ...], str] = {}
    for metric in metrics:
        name = metric.name + SUFFIXES.get(metric.type, "")
        if not CLASSIC_NAME.match(name):
            raise _NotClassic(name)
        help_text = metric.documentation.replace("\\", r"\\").replace("\n", r"\n")
        yield f"# HELP {name} {help_text}\n# TYPE {name} {TYPES.get(metric.type, metric.type)}\n"
        later: dict[str, list[str]] = {}
        for sample in metric.samples:
            key = tuple(sample.labels.items())
            labels = rendered.get(key)
            if labels is None:
                labels = rendered[key] = _labels(sample.labels)
            stamp = "" if sample.timestamp is None else f" {int(float(sample.timestamp) * 1000)}"
            line = f"{sample.name}{labels} {go_float(sample.value)}{stamp}\n"
            suffix = next((s for s in AFTER if sample.name == metric.name + s), None)
            if suffix is None:
                yield line
            else:
                later.setdefault(suffix, []).append(line)
        for suffix, lines in sorted(later.items()):
            yield f"# HELP {metric.name + suffix} {help_text}\n"
            yield f"# TYPE {metric.name + suffix} gauge\n"
            yield from lines


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    if not all(CLASSIC_LABEL.match(name) for name in labels):
        raise _NotClassic(str(labels))
    pairs = (f'{name}="{_escape(value)}"' for name, value in sorted(labels.items()))
    return "{" + ",".join(pairs) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")

"""Samples per second: hostwatch's parser against prometheus-client's, on the same bodies.

    .venv/bin/python -m bench.parse          (or: make bench-parse)

Fixed iteration counts, median of RUNS runs, one process. Bodies: the node_exporter 1.5.0 body
of the test corpus (text 0.0.4), and a prometheus-client OpenMetrics body of a similar size. A
"bare split" loop (str.split per line, no parsing) shows the floor of pure Python. "First
scrape" parses with an empty ScrapeCache, "next scrapes" with the cache a scraper keeps per target.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as client_openmetrics,
)
from prometheus_client.parser import text_string_to_metric_families as client_text

from scraper.parser import ScrapeCache, parse

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "parser" / "corpus"
RUNS = 7


def openmetrics_body() -> str:
    """prometheus-client's exposition of counters, gauges, histograms and summaries."""
    registry = CollectorRegistry()
    requests = Counter("requests", "Requests.", ["path", "code"], registry=registry)
    temperature = Gauge("temperature_celsius", "Temp.", ["sensor"], registry=registry)
    latency = Histogram("latency_seconds", "Latency.", ["method"], registry=registry)
    payload = Summary("payload_bytes", "Payload.", ["route"], registry=registry)
    for i in range(100):
        requests.labels(path=f"/api/v1/items/{i % 30}", code=str(200 + i % 3)).inc(i)
        temperature.labels(sensor=f"sensor-{i}").set(20 + i / 7)
        latency.labels(method=f"m{i % 10}").observe(i / 50)
        payload.labels(route=f"r{i % 20}").observe(i * 100)
    body: bytes = generate_openmetrics(registry)  # type: ignore[no-untyped-call]
    return body.decode()


def seconds_per_call(call: Callable[[], object], iterations: int) -> float:
    """Median over RUNS runs of the mean time of one call."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for _ in range(iterations):
            call()
        times.append((time.perf_counter() - start) / iterations)
    return statistics.median(times)


def bare_split(text: str) -> None:
    for line in text.split("\n"):
        line.split(" ")


def other_host(text: str) -> str:
    """The body as a second host would send it: the same series, every value different."""
    lines = text.split("\n")
    return "\n".join(_other_value(line) for line in lines)


def _other_value(line: str) -> str:
    series, _, value = line.rpartition(" ")
    if line.startswith("#") or not series or value in ("NaN", "+Inf", "-Inf"):
        return line
    return f"{series} {float(value) * 1.01 + 0.5!r}"


def report(title: str, text: str, *, openmetrics: bool) -> None:
    samples = len(parse(text, openmetrics=openmetrics).samples)
    client = client_openmetrics if openmetrics else client_text
    cache = ScrapeCache()
    parse(text, openmetrics=openmetrics, cache=cache)
    second = other_host(text)
    runs = {
        "first scrape, cold cache": seconds_per_call(
            lambda: parse(text, openmetrics=openmetrics), 200
        ),
        "first scrape of a 2nd host": seconds_per_call(
            lambda: parse(second, openmetrics=openmetrics, cache=cache), 200
        ),
        "next scrapes": seconds_per_call(
            lambda: parse(text, openmetrics=openmetrics, cache=cache), 200
        ),
    }
    theirs = seconds_per_call(lambda: list(client(text)), 20)
    floor = seconds_per_call(lambda: bare_split(text), 200)
    print(f"{title}: {samples} samples, {len(text.encode()):,} bytes")
    rows = [*((f"hostwatch, {k}", v) for k, v in runs.items()), ("prometheus-client", theirs)]
    for who, seconds in [*rows, ("bare str.split loop", floor)]:
        print(f"  {who:<38} {seconds * 1e3:7.3f} ms/body {samples / seconds:>12,.0f} samples/s")
    speedups = ", ".join(f"{theirs / v:.1f}x ({k})" for k, v in runs.items())
    print(f"  hostwatch vs prometheus-client: {speedups}")


def main() -> None:
    print(f"Python {sys.version.split()[0]}, median of {RUNS} runs")
    node_exporter = (CORPUS / "node_exporter_1.5.0.prom").read_text()
    report("node_exporter 1.5.0, text 0.0.4", node_exporter, openmetrics=False)
    report("prometheus-client registry, OpenMetrics", openmetrics_body(), openmetrics=True)


if __name__ == "__main__":
    main()

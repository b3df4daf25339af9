"""What evaluating the alert rules costs a scrape: the built-in rules over node_exporter bodies.

    .venv/bin/python -m bench.alerts          (or: make bench-alerts)

TARGETS targets each scraped ROUNDS times (after a first round that only records the CPU
counters), each scrape the node_exporter 1.5.0 body of the test corpus; the figure is the
median over RUNS runs of the evaluator's time per scrape (what the scrape loop spends on alerting).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from model.samples import Sample
from scraper.alerts.defaults import BUILT_IN
from scraper.alerts.evaluator import Evaluator
from scraper.labels import Attacher
from scraper.parser import parse
from storage import ScrapeRecord

BODY = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "parser"
    / "corpus"
    / "node_exporter_1.5.0.prom"
)
TARGETS = 1000
ROUNDS = 5
RUNS = 5


def scrapes(round_: int) -> list[ScrapeRecord]:
    body = parse(BODY.read_text())
    found = []
    for index in range(TARGETS):
        labels = (("instance", f"host{index}:9100"), ("job", "node"))
        samples = Attacher(labels, honor_labels=False)([*body.samples, Sample("up", (), 1.0)])
        found.append(
            ScrapeRecord("node", labels[0][1], labels, round_ * 60_000, 0.1, None, samples)
        )
    return found


def run(rounds: list[list[ScrapeRecord]]) -> float:
    """Seconds per scrape evaluated."""
    evaluator = Evaluator(BUILT_IN)
    for record in rounds[0]:
        evaluator.observe(record)
    started = time.perf_counter()
    for records in rounds[1:]:
        for record in records:
            evaluator.observe(record)
    return (time.perf_counter() - started) / (TARGETS * ROUNDS)


def main() -> None:
    rounds = [scrapes(round_) for round_ in range(ROUNDS + 1)]
    per_scrape = statistics.median(run(rounds) for _ in range(RUNS))
    samples = len(rounds[0][0].samples)
    print(f"{len(BUILT_IN)} built-in rules, {samples} samples per scrape, {TARGETS} targets")
    print(f"evaluation per scrape: {per_scrape * 1e6:.1f} us (median of {RUNS} runs)")


if __name__ == "__main__":
    main()

"""The scrape screen's cost per scrape (scraper/scrape/screen.py), which also finds the series
that vanished since the previous scrape (their stale markers).

    .venv/bin/python -m bench.screen

The node_exporter 1.5.0 body of the test corpus (507 samples), parsed and given its target's
labels once, then screened as each scrape of one target is: the same series every scrape (the
usual case), and one series gone every other scrape. Fixed iteration counts, median of RUNS runs.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from model.limits import Limits
from scraper.labels import Attacher
from scraper.parser import ScrapeCache, parse
from scraper.scrape.screen import Screen

BODY = Path(__file__).resolve().parent.parent / "tests/parser/corpus/node_exporter_1.5.0.prom"
RUNS = 7
SCRAPES = 2000


def per_scrape_us(alternate: bool) -> float:
    text = BODY.read_text()
    body = parse(text)
    samples = Attacher((("instance", "web1:9100"), ("job", "node")), False)(body.samples)
    bodies = [samples, samples[:-1] if alternate else samples]
    screen = Screen(Limits())
    screen(samples, 0)
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for i in range(SCRAPES):
            screen(bodies[i % 2], 0)
        runs.append((time.perf_counter() - started) / SCRAPES * 1e6)
    return statistics.median(runs)


def parse_us() -> float:
    """The parse of the same body with the target's cache, for scale: the scrape path's
    largest step."""
    text, cache = BODY.read_text(), ScrapeCache()
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(SCRAPES // 10):
            parse(text, cache=cache)
        runs.append((time.perf_counter() - started) / (SCRAPES // 10) * 1e6)
    return statistics.median(runs)


def main() -> None:
    print(f"parse (next scrapes, for scale): {parse_us():.1f} us per scrape")
    print(f"same series every scrape: {per_scrape_us(False):.1f} us per scrape")
    print(f"one series gone every other scrape: {per_scrape_us(True):.1f} us per scrape")


if __name__ == "__main__":
    main()

"""The figures the web pages read from the last five minutes of samples, timed in process.

.venv/bin/python -m bench.figures [--runs 5]

On bench/web.py's fleet database (hostwatch_bench_web, 1,000 servers, loaded by bench/web.py;
left as it is): the overview's headline figures of the whole fleet (web/views/headline.py
fleet), and one server page's (headline, containers, top processes, identity), each computed
--runs times directly, without HTTP or the figures' cache. Wall and CPU time, median of the
runs. Run it at two commits to compare two ways of reading the figures on the same data.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import create_engine, text

from bench import fleet, loader
from bench.web import DATABASE
from storage import Storage, TargetHealth
from web.views import containers, headline, identity, processes


def server_page(store: Storage, target: TargetHealth) -> None:
    headline.one(store, target)
    containers.of(store, target)
    processes.top(store, target)
    identity.of(store, target)


def timed(what: Callable[[], object], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        what()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not loader.exists(DATABASE):
        raise SystemExit(f"{DATABASE} is not loaded: run bench/web.py first")
    admin = create_engine(loader.url_of(DATABASE))
    with admin.connect() as conn:
        end_ms = int(conn.scalar(text("SELECT end_ms FROM bench_loaded")) or 0)
    admin.dispose()
    with Storage.open(loader.url_of(DATABASE), clock=lambda: end_ms) as store:
        targets = store.targets()
        target = next(t for t in targets if t.instance == fleet.instance(0))
        figures: dict[str, Callable[[], object]] = {
            f"overview headlines, {len(targets)} servers": lambda: headline.fleet(store, end_ms),
            "server page figures, one server": lambda: server_page(store, target),
        }
        print(f"{'':44}{'wall ms':>10}{'cpu ms':>10}")
        for name, what in figures.items():
            what()  # warm: the series' labels parsed, the plans cached
            wall, cpu = timed(what, args.runs)
            print(f"{name:44}{wall * 1000:10.0f}{cpu * 1000:10.0f}")


if __name__ == "__main__":
    main()

"""Staleness against the real thing: Debian's Prometheus and hostwatch-scraper scrape one real
target on 127.0.0.1 that drops a series, then fails; the same instant queries through
Prometheus's API and hostwatch's /prometheus/api/v1/query give the same answers before the
drop, after it and after the failure (a vanished series is absent at once, not 5 minutes on)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from storage import Storage
from tests.conftest import require_tool
from tests.exporter.compat import running
from tests.exporter.serving import free_port
from tests.promql.compare import difference
from tests.remote.pushing import SCRAPER_START_S
from tests.scraper.targets import changing_server
from tests.scraper.test_cli import SCRAPER
from tests.web.conftest import SETTINGS
from web.app import create_app

pytestmark = pytest.mark.slow

BOTH = (200, b'temp{room="a"} 21.5\ntemp{room="b"} 19\n')
ONLY_A = (200, b'temp{room="a"} 21.5\n')
FAILING = (500, b"down\n")
PHASES = {"before the drop": BOTH, "after the drop": ONLY_A, "after the failure": FAILING}
QUERIES = ["temp", 'temp{room="b"}', "count(temp)", 'up{job="room"}', "absent(temp)"]
SCRAPES = 3  # of each scraper in each phase before it is queried
WAIT_S = 60.0  # the most one wait may take (the scraper's start included)
PROMETHEUS = """\
global: {{scrape_interval: 1s, scrape_timeout: 1s}}
scrape_configs:
  - job_name: room
    static_configs: [{{targets: ["{target}"]}}]
"""
TARGETS = """\
scrape_configs:
  - job_name: room
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs: [{{targets: ["{target}"]}}]
"""
Answers = dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]]


class Target:
    """The changing target's answer, and how many scrapes each scraper made of it."""

    def __init__(self) -> None:
        self.answer = BOTH
        self.scrapes = {"prometheus": 0, "hostwatch": 0}
        self._lock = threading.Lock()

    def serve(self, agent: str) -> tuple[int, bytes]:
        with self._lock:
            self.scrapes["prometheus" if agent.startswith("Prometheus/") else "hostwatch"] += 1
            return self.answer

    def scraped(self, more: int) -> None:
        """Until each scraper has scraped ``more`` times from now on."""
        with self._lock:
            wanted = {who: count + more for who, count in self.scrapes.items()}
        deadline = time.monotonic() + WAIT_S
        while any(self.scrapes[who] < count for who, count in wanted.items()):
            if time.monotonic() > deadline:
                pytest.fail(f"scrapes {self.scrapes}; {wanted} wanted within {WAIT_S:g} s")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answers]:
    """(phase, query) -> (hostwatch's data, Prometheus's data), both asked at one time late in
    the phase: after SCRAPES scrapes of its answer by each scraper, and before the next."""
    prometheus = require_tool("prometheus")
    tmp = tmp_path_factory.mktemp("staleness")
    target = Target()
    with changing_server(target.serve) as address:
        url = f"sqlite:///{tmp / 'hostwatch.db'}"
        with Storage.open(url) as store:
            store.upgrade()
        (tmp / "targets.yml").write_text(TARGETS.format(target=address))
        (tmp / "prometheus.yml").write_text(PROMETHEUS.format(target=address))
        listen, api = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
        scraper = [*SCRAPER, "--config", str(tmp / "targets.yml"), "--database-url", url]
        scraper += ["--listen", listen, "--spill-dir", str(tmp / "spill")]
        server = [prometheus, f"--config.file={tmp / 'prometheus.yml'}"]
        server += [f"--storage.tsdb.path={tmp / 'data'}", f"--web.listen-address={api}"]
        with (
            running(scraper, f"http://{listen}/metrics", tmp / "scraper.log", SCRAPER_START_S),
            running(server, f"http://{api}/-/ready", tmp / "prometheus.log"),
            Storage.open(url) as store,
        ):
            times = {
                phase: _phase(target, answer, store, address) for phase, answer in PHASES.items()
            }
            yield _asked(store, f"http://{api}", times)


def _phase(target: Target, answer: tuple[int, bytes], store: Storage, address: str) -> float:
    """Serve ``answer`` until both scraped it SCRAPES times; the time to query the phase at,
    once what both scraped until then is stored."""
    target.answer = answer
    target.scraped(SCRAPES)
    at = time.time()
    target.scraped(1)  # each scraper's scrape before ``at`` has been appended by now
    deadline = time.monotonic() + WAIT_S
    while (_last_scrape_ms(store, address) or 0) <= at * 1000:  # and hostwatch's written
        if time.monotonic() > deadline:
            pytest.fail(f"hostwatch-scraper wrote no scrape after {at} within {WAIT_S:g} s")
        time.sleep(0.05)
    return at


def _last_scrape_ms(store: Storage, address: str) -> int | None:
    found = store.target("room", address)
    return found.last_scrape_ms if found is not None else None


def _asked(store: Storage, prometheus: str, times: dict[str, float]) -> Answers:
    found: Answers = {}
    with (
        TestClient(create_app(store, SETTINGS)) as ours,
        httpx.Client(base_url=prometheus, timeout=10) as theirs,
    ):
        for phase, at in times.items():
            for query in QUERIES:
                params = {"query": query, "time": f"{at:.3f}"}
                mine = ours.get("/prometheus/api/v1/query", params=params).json()
                reference = theirs.get("/api/v1/query", params=params).json()
                found[phase, query] = mine["data"], reference["data"]
    return found


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("phase", list(PHASES))
def test_an_instant_query_answers_as_prometheus_around_a_vanished_series(
    answers: Answers, phase: str, query: str
) -> None:
    ours, theirs = answers[phase, query]
    assert difference(ours, theirs) is None, (ours, theirs)


def test_prometheus_itself_shows_the_dropped_series_only_before_the_drop(
    answers: Answers,
) -> None:
    """The comparison above means something: Prometheus's own answers change with the phase."""
    counts = [len(answers[phase, 'temp{room="b"}'][1]["result"]) for phase in PHASES]
    assert counts == [1, 0, 0]

from collections.abc import Iterator

import pytest
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.collectors.loadavg import LoadavgCollector
from exporter.node import NodeCollector
from tests.exporter.fakehost import FakeHost


class Exploding(HostCollector):
    name = "exploding"

    def collect(self) -> Iterator[Metric]:
        yield from LoadavgCollector(self.host).collect()
        raise OSError("sensor read failed")


def scrape(node: NodeCollector) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in node.collect()
        for sample in family.samples
    }


def test_a_failing_collector_reports_success_0_while_the_others_still_answer(
    fake: FakeHost,
) -> None:
    fake.proc("loadavg", "0.50 0.25 0.10 1/100 42\n")
    got = scrape(NodeCollector([Exploding(fake.host), LoadavgCollector(fake.host)]))
    assert got[("node_scrape_collector_success", (("collector", "exploding"),))] == 0.0
    assert got[("node_scrape_collector_success", (("collector", "loadavg"),))] == 1.0
    assert got[("node_load1", ())] == 0.5


def test_a_failing_collector_contributes_none_of_its_half_collected_families(
    fake: FakeHost,
) -> None:
    fake.proc("loadavg", "0.50 0.25 0.10 1/100 42\n")
    got = scrape(NodeCollector([Exploding(fake.host)]))
    assert ("node_load1", ()) not in got


def test_a_collector_failure_is_logged_with_its_name(
    fake: FakeHost, caplog: pytest.LogCaptureFixture
) -> None:
    fake.proc("loadavg", "0.50 0.25 0.10 1/100 42\n")
    scrape(NodeCollector([Exploding(fake.host)]))
    assert "collector exploding failed" in caplog.text
    assert "sensor read failed" in caplog.text


def test_every_collector_reports_its_duration(fake: FakeHost) -> None:
    fake.proc("loadavg", "0.50 0.25 0.10 1/100 42\n")
    got = scrape(NodeCollector([LoadavgCollector(fake.host)]))
    assert 0 <= got[("node_scrape_collector_duration_seconds", (("collector", "loadavg"),))] < 1

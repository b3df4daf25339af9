"""hostwatch next to Debian's node_exporter 1.5 on this very host: same families, clean bodies."""

import time
from collections.abc import Iterator

import pytest
from prometheus_client.metrics_core import Metric

from tests.exporter.compat import hostwatch, node_exporter, parse, promtool_problems, scrape

pytestmark = pytest.mark.slow

# node_exporter families hostwatch does not expose, each with the reason.
NOT_EXPOSED = {
    # hostwatch identifies itself as hostwatch_exporter_build_info instead
    "node_exporter_build_info",
}


# Names node_exporter chose and dashboards query, so hostwatch keeps them and the warnings that
# come with them: the kernel's camelCase field names (node_memory_MemTotal_bytes and its kin) and
# the entropy pool counted in bits. Only where node_exporter gets the same line, for the same name.
SHARED_WARNINGS = (
    "metric names should be written in 'snake_case' not 'camelCase'",
    'use base unit "bytes" instead of "bits"',
)


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(node_exporter's body, hostwatch's body), scraped a moment apart."""
    with node_exporter(tmp_path_factory.mktemp("node")) as node, hostwatch() as ours:
        yield scrape(node), scrape(ours)


def label_names(family: Metric) -> set[str]:
    return {label for sample in family.samples for label in sample.labels}


def test_every_node_exporter_family_exists_with_the_same_type_labels_and_help(
    bodies: tuple[str, str],
) -> None:
    theirs, ours = (parse(body) for body in bodies)
    problems = []
    for name, family in sorted(theirs.items()):
        if not name.startswith("node_") or name in NOT_EXPOSED:
            continue
        mine = ours.get(name)
        if mine is None:
            problems.append(f"{name}: missing")
        elif mine.type != family.type:
            problems.append(f"{name}: type {mine.type}, node_exporter has {family.type}")
        elif label_names(mine) != label_names(family):
            problems.append(
                f"{name}: labels {sorted(label_names(mine))}, "
                f"node_exporter has {sorted(label_names(family))}"
            )
        elif mine.documentation != family.documentation:
            problems.append(f"{name}: HELP {mine.documentation!r}, not {family.documentation!r}")
    assert problems == []


def test_promtool_finds_no_problem_node_exporter_does_not_have_itself(
    bodies: tuple[str, str],
) -> None:
    theirs, ours = (promtool_problems(body) for body in bodies)
    accepted = {problem for problem in theirs if problem.endswith(SHARED_WARNINGS)}
    assert ours - accepted == set()


def test_every_family_has_help_and_type(bodies: tuple[str, str]) -> None:
    body = bodies[1]
    described = {line.split()[2] for line in body.splitlines() if line.startswith("# HELP ")}
    typed = {line.split()[2] for line in body.splitlines() if line.startswith("# TYPE ")}
    for family in parse(body).values():
        exposed = {family.name, f"{family.name}_total"}
        assert exposed & described, f"{family.name} has no HELP"
        assert exposed & typed, f"{family.name} has no TYPE"


def test_counters_end_in_total(bodies: tuple[str, str]) -> None:
    counters = [family for family in parse(bodies[1]).values() if family.type == "counter"]
    assert counters
    for family in counters:
        assert all(s.name.endswith(("_total", "_created")) for s in family.samples), family.name


def value(families: dict[str, Metric], name: str) -> float:
    return sum(
        sample.value
        for family in families.values()
        for sample in family.samples
        if sample.name == name
    )


def test_memory_total_is_positive_and_boot_time_in_the_past(bodies: tuple[str, str]) -> None:
    ours = parse(bodies[1])
    assert value(ours, "node_memory_MemTotal_bytes") > 0
    assert 0 < value(ours, "node_boot_time_seconds") < time.time()


def test_cpu_seconds_grow_between_two_scrapes() -> None:
    with hostwatch() as ours:
        first = value(parse(scrape(ours)), "node_cpu_seconds_total")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if value(parse(scrape(ours)), "node_cpu_seconds_total") > first:
                return
    pytest.fail("node_cpu_seconds_total did not grow in 5 s")

"""Views reading together (web/views/reads.py): what they all ask, read with one storage call."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import QueryParams

from model.matchers import Matcher
from storage import RangeQuery, RangeResult, Storage
from tests.storage.builders import HOUR, NOW
from web.views import dashboard, headline, identity, reads
from web.views.charts import Chart
from web.views.headline import Headline
from web.views.reads import Ranges

WEB1 = [Matcher("job", "=", "node"), Matcher("instance", "=", "web1:9100")]
WINDOW = dashboard.Window.from_query(QueryParams({"range": "6h"}), NOW)


class Counted:
    """Storage's answers, with the number of queries of each call that asked for them."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.calls: list[int] = []

    def query_ranges(self, wanted: Sequence[RangeQuery]) -> list[RangeResult]:
        self.calls.append(len(wanted))
        return self.storage.query_ranges(wanted)


def figures(ranges: Ranges, store: Storage) -> tuple[Headline, dict[str, str], list[Chart]]:
    """Three views of the server page: each asks its own range queries of web1."""
    web1 = store.target("node", "web1:9100")
    assert web1 is not None
    return (
        headline.one(ranges, web1),
        identity.of(ranges, web1),
        dashboard.charts(ranges, web1, WINDOW),
    )


def query(metric: str) -> RangeQuery:
    return RangeQuery(metric, WEB1, NOW - HOUR, NOW, 60_000, "last")


def test_views_read_together_make_what_each_makes_reading_alone(seeded: Storage) -> None:
    made = reads.together(seeded, lambda ranges: figures(ranges, seeded))

    assert made == figures(seeded, seeded)
    assert [chart.title for chart in made[2]][:3] == ["CPU by mode", "CPU per core", "Load average"]


def test_what_the_views_ask_is_read_with_one_storage_call(seeded: Storage) -> None:
    counted = Counted(seeded)

    reads.together(counted, lambda ranges: figures(ranges, seeded))

    assert len(counted.calls) == 1


def test_a_query_asked_by_two_views_is_read_once(seeded: Storage) -> None:
    counted = Counted(seeded)

    reads.together(
        counted, lambda ranges: [ranges.query_ranges([query("node_load1")]) for _ in "ab"]
    )

    assert counted.calls == [1]


def test_a_query_that_depends_on_an_answer_is_read_when_asked(seeded: Storage) -> None:
    """The first pass answers with no series, so a view that only then asks more (the charts of
    the containers found) asks it on the second."""
    counted = Counted(seeded)

    def view(ranges: Ranges) -> list[RangeResult]:
        (load,) = ranges.query_ranges([query("node_load1")])
        return ranges.query_ranges([query("node_load5")]) if load.series else []

    (found,) = reads.together(counted, view)

    assert (counted.calls, [s.name for s, _ in found.series]) == ([1, 1], ["node_load5"])

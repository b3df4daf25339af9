"""The overview's headline figures, shared between requests for a few seconds."""

from __future__ import annotations

from storage import Storage
from tests.storage.builders import NOW
from web.views.headline import SharedFleet


def test_figures_are_reused_within_the_cache_time(seeded: Storage) -> None:
    shared = SharedFleet(ttl_ms=10_000)

    assert shared.get(seeded, NOW) is shared.get(seeded, NOW + 9_999)


def test_figures_are_computed_again_once_the_cache_time_is_over(seeded: Storage) -> None:
    shared = SharedFleet(ttl_ms=10_000)
    first = shared.get(seeded, NOW)

    assert shared.get(seeded, NOW + 10_000) is not first
    assert shared.get(seeded, NOW + 10_000) == first


def test_a_cache_time_of_zero_computes_the_figures_for_every_request(seeded: Storage) -> None:
    shared = SharedFleet(ttl_ms=0)

    assert shared.get(seeded, NOW) is not shared.get(seeded, NOW)


def test_shared_figures_are_those_of_the_fleet(seeded: Storage) -> None:
    figures = SharedFleet(ttl_ms=10_000).get(seeded, NOW)

    assert figures[("node", "web1:9100")].load1 == 1.5

"""model.health: the one transition storage and the alert evaluator follow."""

from __future__ import annotations

from model.health import advance
from storage import ScrapeRecord

LABELS = (("instance", "web1:9100"), ("job", "node"))


def scrape(t_ms: int, error: str | None = None) -> ScrapeRecord:
    return ScrapeRecord("node", "web1:9100", LABELS, t_ms, 0.1, error)


def test_failures_in_a_row_are_counted_and_a_success_resets_them() -> None:
    state = advance(None, scrape(1_000, "connection refused"))
    state = advance(state, scrape(2_000, "connection refused"))
    assert (state.health, state.consecutive_failures, state.last_error) == (
        "down",
        2,
        "connection refused",
    )
    state = advance(state, scrape(3_000))
    assert (state.health, state.consecutive_failures, state.last_error) == ("up", 0, None)


def test_health_since_moves_only_when_the_health_changes() -> None:
    state = advance(None, scrape(1_000))
    state = advance(state, scrape(2_000))
    assert (state.health_since_ms, state.first_seen_ms, state.last_seen_ms) == (1_000, 1_000, 2_000)
    state = advance(state, scrape(3_000, "HTTP 503"))
    assert (state.health_since_ms, state.last_seen_ms) == (3_000, 2_000)

"""What scrapers tell the web app of their alerting: the alerting in force, and test
notifications asked for by the web app, claimed by one scraper, answered; on both backends."""

from __future__ import annotations

from storage import AlertingReport, Storage


def test_a_new_alerting_report_replaces_the_scrapers_previous_one(store: Storage) -> None:
    store.report_alerting(AlertingReport("0/1", '{"rules": []}', 1_000))
    store.report_alerting(AlertingReport("1/2", '{"rules": [1]}', 1_000))
    store.report_alerting(AlertingReport("0/1", '{"rules": [2]}', 2_000))

    assert store.alerting_reports() == [
        AlertingReport("0/1", '{"rules": [2]}', 2_000),
        AlertingReport("1/2", '{"rules": [1]}', 1_000),
    ]


def test_a_test_request_is_claimed_by_one_scraper_only(store: Storage) -> None:
    asked = store.request_notification_test("ops")

    first = store.claim_notification_tests("0/2", 0)
    second = store.claim_notification_tests("1/2", 0)

    assert [(t.id, t.receiver, t.claimed_by) for t in first] == [(asked.id, "ops", "0/2")]
    assert second == []


def test_a_request_older_than_since_is_not_claimed(store: Storage) -> None:
    asked = store.request_notification_test("ops")

    assert store.claim_notification_tests("0/1", asked.requested_ms + 1) == []


def test_an_answered_test_carries_its_results(store: Storage) -> None:
    asked = store.request_notification_test("ops")
    store.claim_notification_tests("0/1", 0)

    store.answer_notification_test(asked.id, '[{"ok": true}]')

    answered = store.notification_test(asked.id)
    assert answered is not None
    assert (answered.results, answered.answered_ms is not None) == ('[{"ok": true}]', True)

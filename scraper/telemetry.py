"""The scraper's own metrics, served on its ``--listen`` address at /metrics."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.registry import CollectorRegistry

SCRAPE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class RemoteTelemetry:
    """One remote_write endpoint's series (labels remote_name and url, as Prometheus's)."""

    sent: Counter
    failed: Counter
    retried: Counter
    dropped: Counter
    overflowed: Counter
    pending: Gauge
    capacity: Gauge
    highest_sent: Gauge


class Telemetry:
    """Every counter and gauge the scraper keeps about itself, on a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.scrapes = Counter("hostwatch_scraper_scrapes", "Scrapes done.", ["job"], registry=r)
        self.failures = Counter(
            "hostwatch_scraper_scrape_failures",
            "Failed scrapes by reason.",
            ["job", "reason"],
            registry=r,
        )
        self.duration = Histogram(
            "hostwatch_scraper_scrape_duration_seconds",
            "Duration of scrapes.",
            ["job"],
            buckets=SCRAPE_BUCKETS,
            registry=r,
        )
        self.lag = Histogram(
            "hostwatch_scraper_schedule_lag_seconds",
            "How late scrapes start after their slot (waiting for a concurrency slot included).",
            buckets=SCRAPE_BUCKETS,
            registry=r,
        )
        self.targets = Gauge("hostwatch_scraper_targets", "Targets scraped.", ["job"], registry=r)
        self.buffered = Gauge(
            "hostwatch_scraper_buffer_samples", "Samples waiting to be written.", registry=r
        )
        self.buffer_capacity = Gauge(
            "hostwatch_scraper_buffer_capacity_samples",
            "Samples the buffer holds at most.",
            registry=r,
        )
        self.dropped = Counter(
            "hostwatch_scraper_buffer_dropped_samples",
            "Samples dropped because the buffer was full or the database refused them.",
            ["reason"],
            registry=r,
        )
        self.scrape_dropped = Counter(
            "hostwatch_scraper_scrape_dropped_samples",
            "Samples of successful scrapes not stored, by reason: out_of_bounds (a timestamp "
            "over max_timestamp_skew_ms from the scrape), duplicate (a series repeated).",
            ["job", "reason"],
            registry=r,
        )
        self.written = Counter(
            "hostwatch_scraper_samples_written", "Samples written to the database.", registry=r
        )
        self.write_errors = Counter(
            "hostwatch_scraper_write_errors", "Failed database writes (retried).", registry=r
        )
        self.push_requests = Counter(
            "hostwatch_scraper_remote_write_requests",
            "Remote write requests received, by the HTTP status answered.",
            ["code"],
            registry=r,
        )
        self.received = Counter(
            "hostwatch_scraper_remote_write_samples_received",
            "Samples taken from remote write requests into the write buffer.",
            registry=r,
        )
        endpoint = ["remote_name", "url"]
        self._remote = (
            Counter(
                "prometheus_remote_storage_samples",
                "Samples sent to remote storage.",
                endpoint,
                registry=r,
            ),
            Counter(
                "prometheus_remote_storage_samples_failed",
                "Samples that failed to send and were not retried (a 4xx answer).",
                endpoint,
                registry=r,
            ),
            Counter(
                "prometheus_remote_storage_samples_retried",
                "Samples sent again after a 5xx, a 429 or a network error.",
                endpoint,
                registry=r,
            ),
            Counter(
                "prometheus_remote_storage_samples_dropped",
                "Samples write_relabel_configs dropped.",
                endpoint,
                registry=r,
            ),
            Counter(
                "hostwatch_scraper_remote_write_overflowed_samples",
                "Samples dropped, oldest first, because the endpoint's queue was at capacity.",
                endpoint,
                registry=r,
            ),
            Gauge(
                "prometheus_remote_storage_samples_pending",
                "Samples queued for the endpoint, not sent yet.",
                endpoint,
                registry=r,
            ),
            Gauge(
                "hostwatch_scraper_remote_write_queue_capacity_samples",
                "Samples the endpoint's queue holds at most (queue_config.capacity).",
                endpoint,
                registry=r,
            ),
            Gauge(
                "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
                "Timestamp of the newest sample the endpoint took.",
                endpoint,
                registry=r,
            ),
        )
        self.reload_success = Gauge(
            "hostwatch_config_last_reload_successful",
            "Whether the last configuration reload succeeded.",
            registry=r,
        )
        self.reload_time = Gauge(
            "hostwatch_config_last_reload_success_timestamp_seconds",
            "Time of the last successful configuration reload.",
            registry=r,
        )
        self.alerts = Gauge(
            "hostwatch_alerts",
            "Current alerts by rule and state (firing, pending, suppressed, silenced, resolved).",
            ["alertname", "state"],
            registry=r,
        )
        self.notifications = Counter(
            "hostwatch_alert_notifications",
            "Notifications by receiver and outcome (sent, failed after retries, dropped).",
            ["receiver", "outcome"],
            registry=r,
        )
        self.notify_queue = Gauge(
            "hostwatch_alert_notification_queue",
            "Notifications queued or being sent.",
            registry=r,
        )
        self.evaluation = Histogram(
            "hostwatch_alert_evaluation_seconds",
            "Time evaluating the alert rules on one scrape.",
            buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1),
            registry=r,
        )
        self.rule_failures = Counter(
            "hostwatch_rule_evaluation_failures",
            "Evaluations of a rule group's rule that failed (bad data, limits, the database).",
            ["group"],
            registry=r,
        )
        self.alerts_reload_success = Gauge(
            "hostwatch_alerts_config_last_reload_successful",
            "Whether the last reload of alerts.yml succeeded.",
            registry=r,
        )

    def remote(self, name: str, url: str) -> RemoteTelemetry:
        sent, failed, retried, dropped, overflowed, pending, capacity, highest = self._remote
        return RemoteTelemetry(
            sent=sent.labels(name, url),
            failed=failed.labels(name, url),
            retried=retried.labels(name, url),
            dropped=dropped.labels(name, url),
            overflowed=overflowed.labels(name, url),
            pending=pending.labels(name, url),
            capacity=capacity.labels(name, url),
            highest_sent=highest.labels(name, url),
        )

    def forget_remote(self, name: str, url: str) -> None:
        """Take an endpoint's series off /metrics: a reload removed it (as Prometheus does)."""
        for metric in self._remote:
            metric.remove(name, url)

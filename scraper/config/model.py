"""The scraper's configuration as frozen values: what targets.yml means once it is valid.

Every value is hashable, so a target that embeds its job compares equal across reloads when
nothing about it changed. Built by hand (tests, tools), each class checks its own fields with
the rules the loader applies, so an invalid value cannot exist either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.errors import ConfigError
from model.limits import Limits
from scraper.config import rules
from scraper.config.rules import keyed

Pairs = tuple[tuple[str, str], ...]

DEFAULT_SCRAPE_INTERVAL = 120.0  # hostwatch's default; Prometheus's is 1m
DEFAULT_SCRAPE_TIMEOUT = 10.0
DEFAULT_REFRESH_INTERVAL = 300.0


def _check_timing(interval: float, timeout: float) -> None:
    keyed("scrape_interval", rules.positive, interval)
    keyed("scrape_timeout", rules.positive, timeout)
    keyed("scrape_timeout", lambda value: rules.timeout_within(value, interval), timeout)


@dataclass(frozen=True)
class BasicAuth:
    """HTTP basic auth; the password (read from password_file if given) never shows in a repr."""

    username: str
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class TLSConfig:
    """How to reach an https target: CA to trust, client certificate, expected server name."""

    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    server_name: str = ""
    insecure_skip_verify: bool = False


@dataclass(frozen=True)
class StaticGroup:
    """Targets sharing labels; ``labels`` are sorted by name."""

    targets: tuple[str, ...] = ()
    labels: Pairs = ()

    def __post_init__(self) -> None:
        for target in self.targets:
            keyed("targets", rules.address, target)
        for name, _ in self.labels:
            keyed("labels", rules.label_name, name)


@dataclass(frozen=True)
class FileSD:
    """Target files to watch; ``files`` are glob patterns, already resolved against the config."""

    files: tuple[str, ...] = ()
    refresh_interval: float = DEFAULT_REFRESH_INTERVAL

    def __post_init__(self) -> None:
        for pattern in self.files:
            keyed("files", rules.file_sd_pattern, pattern)
        keyed("refresh_interval", rules.positive, self.refresh_interval)


@dataclass(frozen=True)
class GlobalConfig:
    """The global block: defaults every job inherits unless it sets its own."""

    scrape_interval: float = DEFAULT_SCRAPE_INTERVAL
    scrape_timeout: float = DEFAULT_SCRAPE_TIMEOUT
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        _check_timing(self.scrape_interval, self.scrape_timeout)


@dataclass(frozen=True)
class JobConfig:
    """One scrape job: how to scrape (interval, path, auth, TLS, limits) and whom (targets)."""

    job_name: str
    scrape_interval: float = DEFAULT_SCRAPE_INTERVAL
    scrape_timeout: float = DEFAULT_SCRAPE_TIMEOUT
    metrics_path: str = "/metrics"
    scheme: str = "http"
    honor_labels: bool = False
    params: Pairs = ()
    basic_auth: BasicAuth | None = None
    tls_config: TLSConfig | None = None
    limits: Limits = field(default_factory=Limits)
    static_configs: tuple[StaticGroup, ...] = ()
    file_sd_configs: tuple[FileSD, ...] = ()

    def __post_init__(self) -> None:
        keyed("job_name", rules.not_empty, self.job_name)
        keyed("metrics_path", rules.metrics_path, self.metrics_path)
        keyed("scheme", rules.scheme, self.scheme)
        _check_timing(self.scrape_interval, self.scrape_timeout)


@dataclass(frozen=True)
class RelabelRule:
    """A write_relabel_configs entry: keep or drop the series whose ``source_labels`` values,
    joined by ``separator``, match ``regex`` (fully anchored, RE2 syntax, as in Prometheus)."""

    action: str = "keep"
    source_labels: tuple[str, ...] = ()
    separator: str = ";"
    regex: str = "(.*)"

    def __post_init__(self) -> None:
        keyed("action", rules.relabel_action, self.action)
        for name in self.source_labels:
            keyed("source_labels", rules.source_label, name)
        keyed("regex", rules.re2_pattern, self.regex)


@dataclass(frozen=True)
class QueueConfig:
    """How a remote_write endpoint's queue batches and retries (Prometheus's queue_config)."""

    capacity: int = 10_000
    max_samples_per_send: int = 2_000
    batch_send_deadline: float = 5.0
    min_backoff: float = 0.03
    max_backoff: float = 5.0
    max_shards: int = 4  # run from the start; Prometheus scales 1..50 by throughput

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            keyed(name, rules.positive, value)
        if self.max_backoff < self.min_backoff:
            raise ConfigError(f"max_backoff: {self.max_backoff:g}s is below min_backoff")


@dataclass(frozen=True)
class RemoteWriteConfig:
    """An endpoint every scraped sample is also sent to, in Prometheus's remote_write shape."""

    url: str
    name: str = ""
    remote_timeout: float = 30.0
    basic_auth: BasicAuth | None = None
    bearer: str = field(default="", repr=False)  # authorization: {credentials: ...}
    tls_config: TLSConfig | None = None
    write_relabel_configs: tuple[RelabelRule, ...] = ()
    queue_config: QueueConfig = QueueConfig()

    def __post_init__(self) -> None:
        keyed("url", rules.http_url, self.url)
        keyed("remote_timeout", rules.positive, self.remote_timeout)


@dataclass(frozen=True)
class ScraperConfig:
    """A whole targets.yml: where it was read from, its global block, its jobs in order, and
    the remote_write endpoints its samples are also sent to."""

    path: str = ""
    global_: GlobalConfig = GlobalConfig()
    jobs: tuple[JobConfig, ...] = ()
    remote_write: tuple[RemoteWriteConfig, ...] = ()

    @property
    def defaults(self) -> GlobalConfig:
        return self.global_

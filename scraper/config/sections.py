"""Which keys each block of targets.yml may hold, and which of Prometheus's hostwatch refuses.

Refused keys get "not supported by hostwatch" rather than "unknown": a prometheus.yml pasted
in should say what hostwatch lacks, not suggest a typo.
"""

from __future__ import annotations

from scraper.config.nodes import Section

# Prometheus's service discoveries other than static and file.
_DISCOVERY = (
    "azure", "consul", "digitalocean", "docker", "dockerswarm", "dns", "ec2", "eureka", "gce",
    "hetzner", "http", "ionos", "kubernetes", "kuma", "lightsail", "linode", "marathon", "nerve",
    "nomad", "openstack", "ovhcloud", "puppetdb", "scaleway", "serverset", "triton", "uyuni",
    "vultr",
)  # fmt: skip

# The keys of Prometheus's HTTP client config (a scrape job's and a remote_write endpoint's)
# that hostwatch recognises but does not support.
_HTTP_CLIENT_UNSUPPORTED = (
    "oauth2",
    "bearer_token",
    "bearer_token_file",
    "proxy_url",
    "no_proxy",
    "proxy_from_environment",
    "proxy_connect_header",
    "follow_redirects",
    "enable_http2",
    "http_headers",
)


LIMITS = (
    "sample_limit",
    "body_size_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
)
JOB = Section(
    "a job",
    (
        "job_name",
        "scrape_interval",
        "scrape_timeout",
        "metrics_path",
        "scheme",
        "honor_labels",
        "params",
        "basic_auth",
        "tls_config",
        *LIMITS,
        "static_configs",
        "file_sd_configs",
    ),
    (
        "honor_timestamps",
        "track_timestamps_staleness",
        "scrape_protocols",
        "fallback_scrape_protocol",
        "scrape_failure_log_file",
        "scrape_classic_histograms",
        "always_scrape_classic_histograms",
        "convert_classic_histograms_to_nhcb",
        "native_histogram_bucket_limit",
        "native_histogram_min_bucket_factor",
        "enable_compression",
        "relabel_configs",
        "metric_relabel_configs",
        "target_limit",
        "keep_dropped_targets",
        "metric_name_validation_scheme",
        "metric_name_escaping_scheme",
        "authorization",
        *_HTTP_CLIENT_UNSUPPORTED,
        *(f"{mechanism}_sd_configs" for mechanism in _DISCOVERY),
    ),
)
BASIC_AUTH = Section("basic_auth", ("username", "password", "password_file"), ("username_file",))
TLS = Section(
    "tls_config",
    ("ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"),
    ("ca", "cert", "key", "min_version", "max_version"),
)
FILE_SD = Section("a file_sd config", ("files", "refresh_interval"))


TOP = Section(
    "the top level",
    ("global", "scrape_configs", "remote_write"),
    (
        "rule_files",
        "alerting",
        "remote_read",
        "storage",
        "tracing",
        "scrape_config_files",
        "runtime",
        "otlp",
    ),
)
GLOBAL = Section(
    "global",
    ("scrape_interval", "scrape_timeout", *LIMITS),
    (
        "evaluation_interval",
        "rule_query_offset",
        "external_labels",
        "query_log_file",
        "scrape_failure_log_file",
        "scrape_protocols",
        "target_limit",
        "keep_dropped_targets",
        "metric_name_validation_scheme",
        "metric_name_escaping_scheme",
        "always_scrape_classic_histograms",
        "convert_classic_histograms_to_nhcb",
    ),
)
GROUP = Section("a target group", ("targets", "labels"))
REMOTE_WRITE = Section(
    "a remote_write entry",
    (
        "url",
        "name",
        "remote_timeout",
        "basic_auth",
        "authorization",
        "tls_config",
        "write_relabel_configs",
        "queue_config",
    ),
    (
        "headers",
        "send_exemplars",
        "send_native_histograms",
        "protobuf_message",
        "round_robin_dns",
        "metadata_config",
        "sigv4",
        "azuread",
        "google_iam",
        *_HTTP_CLIENT_UNSUPPORTED,
    ),
)
AUTHORIZATION = Section("authorization", ("type", "credentials", "credentials_file"))
RELABEL = Section(
    "a write_relabel_configs entry",
    ("action", "source_labels", "separator", "regex"),
    ("target_label", "replacement", "modulus"),
)
QUEUE = Section(
    "queue_config",
    (
        "capacity",
        "max_samples_per_send",
        "batch_send_deadline",
        "min_backoff",
        "max_backoff",
        "max_shards",
    ),
    ("min_shards", "retry_on_http_429", "sample_age_limit"),
)

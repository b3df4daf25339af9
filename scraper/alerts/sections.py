"""Which keys each block of alerts.yml may hold, and which of Alertmanager's hostwatch refuses."""

from __future__ import annotations

from model.rule_keys import RULE_KEYS
from scraper.alerts.channels import SERVICES
from scraper.config.nodes import Section

TOP = Section(
    "the top level",
    ("global", "route", "receivers", "rules", "groups"),
    ("inhibit_rules", "templates", "time_intervals", "mute_time_intervals"),
)
GLOBAL = Section(
    "global",
    (
        "external_url",
        "evaluation_interval",
        "resolved_keep",
        "notify_attempts",
        "notify_backoff",
        "notify_queue",
    ),
    ("resolve_timeout", "smtp_from", "smtp_smarthost", "http_config", "slack_api_url"),
)
_ROUTE_KEYS = (
    "receiver",
    "matchers",
    "group_by",
    "group_wait",
    "group_interval",
    "repeat_interval",
)
_ROUTE_UNSUPPORTED = (
    "continue",
    "match",
    "match_re",
    "mute_time_intervals",
    "active_time_intervals",
)
ROUTE = Section("route", (*_ROUTE_KEYS, "routes"), _ROUTE_UNSUPPORTED)
# One level of child routes keeps routing readable; Alertmanager's deeper trees are refused.
CHILD_ROUTE = Section("a child route", _ROUTE_KEYS, (*_ROUTE_UNSUPPORTED, "routes"))
# The chat and paging services' *_configs and their own keys are channels.py's.
RECEIVER = Section(
    "a receiver",
    ("name", "webhook_configs", "email_configs", *(service.key for service in SERVICES)),
    tuple(
        f"{kind}_configs"
        for kind in ("victorops", "wechat", "sns", "webex", "msteamsv2", "jira", "rocketchat")
    ),
)
WEBHOOK = Section(
    "a webhook config",
    ("url", "send_resolved", "basic_auth", "timeout", "max_alerts"),
    ("url_file", "http_config"),
)
EMAIL = Section(
    "an email config",
    (
        "to",
        "from",
        "smarthost",
        "auth_username",
        "auth_password",
        "auth_password_file",
        "require_tls",
        "tls_config",
        "send_resolved",
        "timeout",
    ),
    ("html", "text", "headers", "auth_identity", "auth_secret", "hello"),
)
# smtplib checks the certificate against the smarthost's own name, so server_name cannot apply.
EMAIL_TLS = Section(
    "tls_config",
    ("ca_file", "cert_file", "key_file", "insecure_skip_verify"),
    ("server_name", "ca", "cert", "key", "min_version", "max_version"),
)
RULE = Section("a rule", RULE_KEYS, ("expr", "annotations", "keep_firing_for", "record"))
# Prometheus rule files' groups and their alerting and recording rules (groups.py).
GROUP = Section("a rule group", ("name", "interval", "limit", "rules"), ("query_offset",))
GROUP_RULE = Section(
    "a group's rule", ("alert", "expr", "for", "keep_firing_for", "labels", "annotations")
)
RECORDING_RULE = Section("a recording rule", ("record", "expr", "labels"))

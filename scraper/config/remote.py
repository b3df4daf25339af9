"""The remote_write entries of targets.yml, read as Prometheus reads them (a subset)."""

from __future__ import annotations

from scraper.config import rules
from scraper.config.jobs import positive_duration, read_basic_auth, read_secret, read_tls
from scraper.config.model import QueueConfig, RelabelRule, RemoteWriteConfig
from scraper.config.nodes import Fields, Node, Reader, duration, integer, string
from scraper.config.sections import AUTHORIZATION, QUEUE, RELABEL, REMOTE_WRITE

DEFAULT_QUEUE = QueueConfig()


def read_remote_writes(reader: Reader, node: Node | None) -> tuple[RemoteWriteConfig, ...]:
    found = (_remote_write(reader, item) for item in reader.items(node, "remote_write"))
    return tuple(entry for entry in found if entry is not None)


def _remote_write(reader: Reader, node: Node) -> RemoteWriteConfig | None:
    fields = reader.fields(node, REMOTE_WRITE)
    url = reader.required(node, fields, "url", lambda item: rules.http_url(string(item)))
    config = RemoteWriteConfig(
        url=url or "http://unset",
        name=reader.get(fields, "name", string, ""),
        remote_timeout=reader.get(fields, "remote_timeout", positive_duration, 30.0),
        basic_auth=read_basic_auth(reader, fields.get("basic_auth")),
        bearer=_authorization(reader, fields.get("authorization")),
        tls_config=read_tls(reader, fields.get("tls_config")),
        write_relabel_configs=tuple(
            rule
            for item in reader.items(fields.get("write_relabel_configs"), "write_relabel_configs")
            if (rule := _relabel(reader, item)) is not None
        ),
        queue_config=_queue(reader, fields.get("queue_config")),
    )
    return config if url else None


def _authorization(reader: Reader, node: Node | None) -> str:
    """The credentials of an ``authorization`` block (type Bearer, the only one supported)."""
    fields = reader.fields(node, AUTHORIZATION)
    kind = reader.get(fields, "type", string, "Bearer")
    if kind.lower() != "bearer" and "type" in fields:
        reader.problem(fields["type"], f"authorization: type {rules.quote(kind)}: only Bearer")
    if "credentials" in fields and "credentials_file" in fields:
        reader.problem(
            fields["credentials_file"],
            "authorization: set credentials or credentials_file, not both",
        )
    secret = reader.get(fields, "credentials_file", lambda item: read_secret(reader, item), "")
    return reader.get(fields, "credentials", string, secret)


def _relabel(reader: Reader, node: Node) -> RelabelRule | None:
    fields = reader.fields(node, RELABEL)
    sources = tuple(
        name
        for item in reader.items(fields.get("source_labels"), "source_labels")
        if (name := reader.read(item, "source_labels", lambda n: rules.source_label(string(n))))
    )
    return RelabelRule(
        action=reader.get(
            fields, "action", lambda item: rules.relabel_action(string(item)), "keep"
        ),
        source_labels=sources,
        separator=reader.get(fields, "separator", string, ";"),
        regex=reader.get(fields, "regex", lambda item: rules.re2_pattern(string(item)), "(.*)"),
    )


def _queue(reader: Reader, node: Node | None) -> QueueConfig:
    fields: Fields = reader.fields(node, QUEUE)
    d = DEFAULT_QUEUE

    def count(key: str, default: int) -> int:
        return reader.get(fields, key, lambda item: int(rules.positive(integer(item))), default)

    def seconds(key: str, default: float) -> float:
        return reader.get(fields, key, lambda item: rules.positive(duration(item)), default)

    low = seconds("min_backoff", d.min_backoff)
    high = seconds("max_backoff", max(d.max_backoff, low))
    if high < low:
        reader.problem(
            fields["max_backoff"], f"max_backoff: {high:g}s is below min_backoff {low:g}s"
        )
        high = low
    return QueueConfig(
        capacity=count("capacity", d.capacity),
        max_samples_per_send=count("max_samples_per_send", d.max_samples_per_send),
        batch_send_deadline=seconds("batch_send_deadline", d.batch_send_deadline),
        min_backoff=low,
        max_backoff=high,
        max_shards=_shards(reader, fields, count("max_shards", d.max_shards)),
    )


MAX_SHARDS = 200
"""Concurrent requests one endpoint may have in flight: Prometheus's own default is 50."""


def _shards(reader: Reader, fields: Fields, shards: int) -> int:
    if shards > MAX_SHARDS:
        reader.problem(fields["max_shards"], f"max_shards: {shards} is over {MAX_SHARDS}")
        return MAX_SHARDS
    return shards

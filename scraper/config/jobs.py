"""One entry of scrape_configs, and the blocks inside it, read with inheritance from global."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import yaml

from model.limits import Limits
from scraper.config import rules
from scraper.config.model import (
    DEFAULT_REFRESH_INTERVAL,
    BasicAuth,
    FileSD,
    GlobalConfig,
    JobConfig,
    Pairs,
    TLSConfig,
)
from scraper.config.nodes import (
    Fields,
    Node,
    Reader,
    Section,
    boolean,
    duration,
    integer,
    read_text,
    size,
    string,
)
from scraper.config.rules import quote
from scraper.config.sections import BASIC_AUTH, FILE_SD, JOB, LIMITS, TLS
from scraper.config.targets import Unique, read_groups


def read_job(reader: Reader, node: Node, defaults: GlobalConfig, names: Unique) -> JobConfig | None:
    """The job, inheriting from ``defaults``; None (its problems recorded) without a valid name."""
    fields = reader.fields(node, JOB)
    name = reader.required(node, fields, "job_name", names)
    # Read on under a stand-in name, so one pass reports the rest of this job's problems too.
    job = _job(reader, fields, name or "unnamed", defaults)
    return job if name else None


def _job(reader: Reader, fields: Fields, name: str, defaults: GlobalConfig) -> JobConfig:
    interval, timeout = read_timing(
        reader, fields, defaults.scrape_interval, defaults.scrape_timeout
    )
    return JobConfig(
        job_name=name,
        scrape_interval=interval,
        scrape_timeout=timeout,
        metrics_path=reader.get(fields, "metrics_path", _checked(rules.metrics_path), "/metrics"),
        scheme=reader.get(fields, "scheme", _checked(rules.scheme), "http"),
        honor_labels=reader.get(fields, "honor_labels", boolean, False),
        params=_params(reader, fields.get("params")),
        basic_auth=read_basic_auth(reader, fields.get("basic_auth")),
        tls_config=read_tls(reader, fields.get("tls_config")),
        limits=read_limits(reader, fields, defaults.limits),
        static_configs=read_groups(reader, fields.get("static_configs"), "static_configs"),
        file_sd_configs=tuple(
            _file_sd(reader, item)
            for item in reader.items(fields.get("file_sd_configs"), "file_sd_configs")
        ),
    )


def read_timing(
    reader: Reader, fields: Fields, interval: float, timeout: float
) -> tuple[float, float]:
    """scrape_interval and scrape_timeout, each inherited unless set in ``fields``."""
    interval = reader.get(fields, "scrape_interval", positive_duration, interval)

    def fitting(node: Node) -> float:
        return rules.timeout_within(positive_duration(node), interval)

    # As in Prometheus, an inherited timeout shrinks to fit the interval; one set here must fit.
    return interval, reader.get(fields, "scrape_timeout", fitting, min(timeout, interval))


def read_limits(reader: Reader, fields: Fields, defaults: Limits) -> Limits:
    """The limits set in ``fields``, the others inherited from ``defaults``."""

    def read(key: str) -> int:
        convert = size if key == "body_size_limit" else integer
        limit: int = getattr(defaults, key)
        return reader.get(fields, key, lambda node: rules.non_negative(convert(node)), limit)

    return replace(defaults, **{key: read(key) for key in LIMITS})


def _params(reader: Reader, node: Node | None) -> Pairs:
    """URL parameters; a name may take one value or a list of them (sent repeated)."""
    params = []
    for name, _, value_node in reader.pairs(node, "params"):
        values = value_node if isinstance(value_node, yaml.SequenceNode) else None
        for item in reader.items(values, "params") if values else [value_node]:
            value = reader.read(item, f"params {quote(name)}", string)
            params.extend([(name, value)] if value is not None else [])
    return tuple(params)


def read_basic_auth(reader: Reader, node: Node | None) -> BasicAuth | None:
    fields = reader.fields(node, BASIC_AUTH)
    if not fields:  # absent, empty, or only keys already refused
        return None
    if "password" in fields and "password_file" in fields:
        clash = fields.pop("password_file")
        reader.problem(clash, "basic_auth: set password or password_file, not both")
    password = reader.get(fields, "password_file", lambda item: read_secret(reader, item), "")
    return BasicAuth(
        username=reader.get(fields, "username", string, ""),
        password=reader.get(fields, "password", string, password),
    )


def read_secret(reader: Reader, node: Node) -> str:
    """A password file's contents; its final newline is the editor's, not the password's."""
    return read_text(reader.resolve(string(node))).removesuffix("\n")


def read_tls(reader: Reader, node: Node | None, section: Section = TLS) -> TLSConfig | None:
    """A tls_config block; ``section`` says which of its keys the caller supports."""
    fields = reader.fields(node, section)
    if not fields:  # absent, empty, or only keys already refused
        return None

    def path(key: str) -> str:
        return reader.get(fields, key, lambda item: reader.resolve(string(item)), "")

    return TLSConfig(
        ca_file=path("ca_file"),
        cert_file=path("cert_file"),
        key_file=path("key_file"),
        server_name=reader.get(fields, "server_name", string, ""),
        insecure_skip_verify=reader.get(fields, "insecure_skip_verify", boolean, False),
    )


def _file_sd(reader: Reader, node: Node) -> FileSD:
    fields = reader.fields(node, FILE_SD)
    patterns = (
        reader.read(item, "files", _checked(rules.file_sd_pattern))
        for item in reader.items(fields.get("files"), "files")
    )
    return FileSD(
        files=tuple(reader.resolve(pattern) for pattern in patterns if pattern is not None),
        refresh_interval=reader.get(
            fields, "refresh_interval", positive_duration, DEFAULT_REFRESH_INTERVAL
        ),
    )


def _checked(rule: Callable[[str], str]) -> Callable[[Node], str]:
    return lambda node: rule(string(node))


def positive_duration(node: Node) -> float:
    return rules.positive(duration(node))

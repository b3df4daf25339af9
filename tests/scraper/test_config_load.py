"""A valid targets.yml becomes frozen values, each job inheriting what global sets."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from model.limits import Limits
from scraper.config import (
    BasicAuth,
    FileSD,
    JobConfig,
    ScraperConfig,
    StaticGroup,
    TLSConfig,
    load,
)


def loaded(tmp_path: Path, text: str) -> ScraperConfig:
    path = tmp_path / "targets.yml"
    path.write_text(textwrap.dedent(text))
    return load(path)


def only_job(tmp_path: Path, body: str) -> JobConfig:
    config = loaded(
        tmp_path,
        "scrape_configs:\n  - job_name: node\n" + textwrap.indent(textwrap.dedent(body), "    "),
    )
    [job] = config.jobs
    return job


def test_an_empty_file_is_valid_and_scrapes_nothing(tmp_path: Path) -> None:
    config = loaded(tmp_path, "")
    assert (config.jobs, config.path) == ((), str(tmp_path / "targets.yml"))


def test_a_job_without_settings_takes_hostwatchs_defaults(tmp_path: Path) -> None:
    assert only_job(tmp_path, "") == JobConfig(
        job_name="node",
        scrape_interval=120.0,
        scrape_timeout=10.0,
        metrics_path="/metrics",
        scheme="http",
        limits=Limits(body_size_limit=10 * 2**20),
    )


def test_jobs_inherit_the_global_block(tmp_path: Path) -> None:
    config = loaded(
        tmp_path,
        """
        global: {scrape_interval: 1m, scrape_timeout: 20s, sample_limit: 5000}
        scrape_configs: [job_name: node]
        """,
    )
    job = config.jobs[0]
    assert (job.scrape_interval, job.scrape_timeout, job.limits.sample_limit) == (60.0, 20.0, 5000)


def test_a_job_setting_overrides_the_global_one(tmp_path: Path) -> None:
    config = loaded(
        tmp_path,
        """
        global: {scrape_interval: 1m, body_size_limit: 1MiB, label_limit: 30}
        scrape_configs: [{job_name: node, scrape_interval: 15s, body_size_limit: 512KB}]
        """,
    )
    limits = config.jobs[0].limits
    assert (config.jobs[0].scrape_interval, limits.body_size_limit, limits.label_limit) == (
        15.0,
        512 * 1024,
        30,
    )


def test_the_global_block_is_exposed_as_defaults(tmp_path: Path) -> None:
    config = loaded(tmp_path, "global: {scrape_interval: 30s}\n")
    assert config.defaults.scrape_interval == config.global_.scrape_interval == 30.0


def test_an_inherited_timeout_shrinks_to_a_shorter_job_interval(tmp_path: Path) -> None:
    # Prometheus's rule: only a timeout the job sets itself must fit its interval.
    assert only_job(tmp_path, "scrape_interval: 5s\n").scrape_timeout == 5.0


def test_a_global_interval_under_the_default_timeout_shrinks_it(tmp_path: Path) -> None:
    assert loaded(tmp_path, "global: {scrape_interval: 4s}\n").global_.scrape_timeout == 4.0


def test_every_job_setting_is_read(tmp_path: Path) -> None:
    job = only_job(
        tmp_path,
        """\
        metrics_path: /probe
        scheme: https
        honor_labels: true
        params: {module: [http_2xx, tcp], target: example.org}
        sample_limit: 100
        label_limit: 20
        label_name_length_limit: 64
        label_value_length_limit: 256
        """,
    )
    assert (job.metrics_path, job.scheme, job.honor_labels) == ("/probe", "https", True)
    assert job.params == (("module", "http_2xx"), ("module", "tcp"), ("target", "example.org"))
    assert job.limits == Limits(100, 10 * 2**20, 20, 64, 256)


def test_static_groups_keep_their_order_and_sort_their_labels(tmp_path: Path) -> None:
    job = only_job(
        tmp_path,
        """\
        static_configs:
          - targets: ["10.0.0.2:9100", "[::1]:9100"]
            labels: {zone: b, env: prod}
          - targets: [db.example.org:9187]
        """,
    )
    assert job.static_configs == (
        StaticGroup(("10.0.0.2:9100", "[::1]:9100"), (("env", "prod"), ("zone", "b"))),
        StaticGroup(("db.example.org:9187",), ()),
    )


def test_file_sd_patterns_resolve_against_the_config_directory(tmp_path: Path) -> None:
    job = only_job(tmp_path, "file_sd_configs:\n  - files: [sd/*.json, /etc/t.yml]\n")
    assert job.file_sd_configs == (FileSD((str(tmp_path / "sd/*.json"), "/etc/t.yml"), 300.0),)


def test_file_sd_refresh_interval_is_a_duration(tmp_path: Path) -> None:
    job = only_job(tmp_path, "file_sd_configs: [{files: [a.yml], refresh_interval: 30s}]\n")
    assert job.file_sd_configs[0].refresh_interval == 30.0


def test_basic_auth_reads_the_password_file_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("s3cret\n")
    job = only_job(tmp_path, "basic_auth: {username: scraper, password_file: secret}\n")
    assert job.basic_auth == BasicAuth("scraper", "s3cret")


def test_a_basic_auth_password_never_shows_in_a_repr(tmp_path: Path) -> None:
    job = only_job(tmp_path, "basic_auth: {username: scraper, password: s3cret}\n")
    assert "s3cret" not in repr(job)
    assert job.basic_auth == BasicAuth("scraper", "s3cret")


def test_tls_config_files_resolve_against_the_config_directory(tmp_path: Path) -> None:
    job = only_job(
        tmp_path,
        "tls_config: {ca_file: ca.pem, server_name: node1, insecure_skip_verify: false}\n",
    )
    assert job.tls_config == TLSConfig(ca_file=str(tmp_path / "ca.pem"), server_name="node1")


def test_a_loaded_config_is_hashable_so_reloads_can_diff_targets(tmp_path: Path) -> None:
    text = "scrape_configs: [{job_name: a, static_configs: [targets: [h:1]]}]\n"
    assert hash(loaded(tmp_path, text)) == hash(loaded(tmp_path, text))


@pytest.mark.parametrize("suffix", ["yml", "yaml"])
def test_any_file_name_is_accepted(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"scrape.{suffix}"
    path.write_text("scrape_configs: [job_name: a]\n")
    assert load(str(path)).jobs[0].job_name == "a"


def test_an_empty_basic_auth_or_tls_block_means_none(tmp_path: Path) -> None:
    job = only_job(tmp_path, "basic_auth:\ntls_config: {}\n")
    assert (job.basic_auth, job.tls_config) == (None, None)

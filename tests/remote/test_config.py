"""remote_write in targets.yml: Prometheus's own block is read as Prometheus reads it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from model.errors import ConfigErrors
from scraper.config import BasicAuth, TLSConfig, load
from scraper.config.model import QueueConfig, RelabelRule, RemoteWriteConfig

PROMETHEUS_BLOCK = """\
scrape_configs: []
remote_write:
  - url: https://mimir.example:8080/api/v1/push
    name: mimir
    remote_timeout: 10s
    basic_auth: {username: tenant1, password_file: secret.txt}
    tls_config: {ca_file: ca.pem, insecure_skip_verify: false}
    write_relabel_configs:
      - source_labels: [__name__]
        regex: "node_(cpu|memory)_.*"
        action: keep
      - source_labels: [mode, cpu]
        separator: "/"
        regex: "idle/1.*"
        action: drop
    queue_config:
      capacity: 50000
      max_samples_per_send: 1000
      batch_send_deadline: 2s
      min_backoff: 50ms
      max_backoff: 10s
  - url: http://vm.example:8428/api/v1/write
    authorization: {type: Bearer, credentials: s3cret}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def loaded(text: str) -> tuple[RemoteWriteConfig, ...]:
    Path("secret.txt").write_text("p4ss\n")
    Path("targets.yml").write_text(textwrap.dedent(text))
    return load("targets.yml").remote_write


def problems(text: str) -> str:
    with pytest.raises(ConfigErrors) as raised:
        loaded(text)
    return str(raised.value)


def test_a_block_copied_from_prometheus_yml_is_read_whole() -> None:
    mimir, vm = loaded(PROMETHEUS_BLOCK)
    assert mimir == RemoteWriteConfig(
        url="https://mimir.example:8080/api/v1/push",
        name="mimir",
        remote_timeout=10.0,
        basic_auth=BasicAuth("tenant1", "p4ss"),
        tls_config=TLSConfig(ca_file="ca.pem"),
        write_relabel_configs=(
            RelabelRule("keep", ("__name__",), ";", "node_(cpu|memory)_.*"),
            RelabelRule("drop", ("mode", "cpu"), "/", "idle/1.*"),
        ),
        queue_config=QueueConfig(50_000, 1000, 2.0, 0.05, 10.0),
    )
    assert (vm.bearer, vm.queue_config) == ("s3cret", QueueConfig())


def test_a_file_without_remote_write_sends_nowhere() -> None:
    assert loaded("scrape_configs: []\n") == ()


def test_every_problem_of_a_remote_write_entry_is_reported_with_its_place() -> None:
    text = """\
    remote_write:
      - url: ftp://example
        write_relabel_configs: [{regex: "a(", action: replace}]
        queue_config: {min_shards: 4, min_backoff: 2s, max_backoff: 1s}
      - name: no-url
    """
    assert problems(text).splitlines() == [
        'targets.yml:2:10: url: expected an http:// or https:// URL, got "ftp://example"',
        'targets.yml:3:37: regex: invalid regular expression "a(": missing ): a(',
        'targets.yml:3:51: action: expected "keep" or "drop" (the actions hostwatch supports), '
        'got "replace"',
        'targets.yml:4:20: key "min_shards" is not supported by hostwatch',
        "targets.yml:4:65: max_backoff: 1s is below min_backoff 2s",
        'targets.yml:5:5: missing required key "url"',
    ]


def test_a_prometheus_key_hostwatch_lacks_is_named_as_unsupported() -> None:
    text = "remote_write:\n  - url: http://x:1/w\n    sigv4: {region: eu}\n"
    assert problems(text) == 'targets.yml:3:5: key "sigv4" is not supported by hostwatch'

"""Servers registered through the API as a discovery source beside targets.yml and file_sd."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from scraper.config import load
from scraper.scrape.discovery import FileTargets, Shard, targets
from storage import RegisteredServer

CONFIG = """scrape_configs:
  - job_name: node
    scrape_interval: 1h
    scrape_timeout: 20s
    metrics_path: /node-metrics
    static_configs:
      - targets: ["10.0.0.5:9100"]
    file_sd_configs:
      - files: ["{sd}"]
"""
SD = '[{"targets": ["10.0.0.6:9100"]}]'
SERVER = RegisteredServer(
    address="10.0.0.7:9100",
    job="node",
    labels=(("env", "prod"),),
    scheme="https",
    scrape_interval_s=15.0,
    paused=False,
    created_ms=0,
    updated_ms=0,
)


def discovered(tmp_path: Path, *registered: RegisteredServer) -> dict[str, tuple[str, str]]:
    (tmp_path / "sd.json").write_text(SD)
    path = tmp_path / "targets.yml"
    path.write_text(CONFIG.format(sd=tmp_path / "sd.json"))
    found = targets(load(str(path)), FileTargets(), Shard(), registered)
    return {target.address: (target.origin, target.file) for target in found}


def test_each_target_names_its_source_and_file(tmp_path: Path) -> None:
    assert discovered(tmp_path, SERVER) == {
        "10.0.0.5:9100": ("targets.yml", str(tmp_path / "targets.yml")),
        "10.0.0.6:9100": ("file_sd", str(tmp_path / "sd.json")),
        "10.0.0.7:9100": ("api", ""),
    }


def test_a_registered_server_takes_its_jobs_settings_with_its_own_scheme_and_interval(
    tmp_path: Path,
) -> None:
    (tmp_path / "targets.yml").write_text(CONFIG.format(sd=tmp_path / "none.json"))
    config = load(str(tmp_path / "targets.yml"))

    (target,) = (t for t in targets(config, FileTargets(), Shard(), [SERVER]) if t.origin == "api")

    assert target.url == "https://10.0.0.7:9100/node-metrics"
    assert (target.job.scrape_interval, target.job.scrape_timeout) == (15.0, 15.0)
    assert dict(target.labels) == {"env": "prod", "instance": "10.0.0.7:9100", "job": "node"}


def test_a_registered_server_of_an_unknown_job_gets_the_global_settings(tmp_path: Path) -> None:
    (tmp_path / "targets.yml").write_text(CONFIG.format(sd=tmp_path / "none.json"))
    config = load(str(tmp_path / "targets.yml"))
    server = dataclasses.replace(SERVER, job="edge", scheme="http", scrape_interval_s=300.0)

    (target,) = (t for t in targets(config, FileTargets(), Shard(), [server]) if t.origin == "api")

    assert (target.url, target.job.job_name) == ("http://10.0.0.7:9100/metrics", "edge")
    assert target.job.scrape_timeout == config.global_.scrape_timeout


def test_a_paused_server_is_not_scraped(tmp_path: Path) -> None:
    paused = dataclasses.replace(SERVER, paused=True)

    assert "10.0.0.7:9100" not in discovered(tmp_path, paused)


def test_a_file_listing_a_registered_address_wins(tmp_path: Path) -> None:
    shadowed = dataclasses.replace(SERVER, address="10.0.0.5:9100", job="other")

    assert discovered(tmp_path, shadowed)["10.0.0.5:9100"][0] == "targets.yml"

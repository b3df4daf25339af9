"""Config values built by hand obey the same rules as loaded ones, naming key and value."""

from __future__ import annotations

import pytest

from model.errors import ConfigError
from model.limits import Limits
from scraper.config import FileSD, JobConfig, StaticGroup


def test_a_job_needs_a_name() -> None:
    with pytest.raises(ConfigError, match=r"^job_name: expected a non-empty string$"):
        JobConfig("")


def test_a_job_refuses_an_unknown_scheme() -> None:
    with pytest.raises(ConfigError, match=r'^scheme: expected "http" or "https", got "ftp"$'):
        JobConfig("node", scheme="ftp")


def test_a_job_refuses_a_timeout_longer_than_its_interval() -> None:
    with pytest.raises(
        ConfigError, match=r"^scrape_timeout: 20s is longer than scrape_interval 15s$"
    ):
        JobConfig("node", scrape_interval=15.0, scrape_timeout=20.0)


def test_limits_refuse_a_negative_value() -> None:
    with pytest.raises(ConfigError, match=r"^label_limit: expected a number >= 0 .*got -3$"):
        Limits(label_limit=-3)


def test_a_group_refuses_a_target_without_a_port() -> None:
    with pytest.raises(ConfigError, match=r'^targets: expected host:port .*got "node1"$'):
        StaticGroup(("node1",))


def test_a_file_sd_config_refuses_a_zero_refresh_interval() -> None:
    with pytest.raises(ConfigError, match=r"^refresh_interval: expected a duration above 0"):
        FileSD(("a.json",), refresh_interval=0.0)

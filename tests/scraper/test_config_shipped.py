"""The config/targets.yml shipped in the repository is valid and scrapes the local exporter."""

from __future__ import annotations

import re
from pathlib import Path

from scraper.config import JobConfig, StaticGroup, load
from scraper.config.sections import (
    AUTHORIZATION,
    BASIC_AUTH,
    FILE_SD,
    GLOBAL,
    GROUP,
    JOB,
    QUEUE,
    RELABEL,
    REMOTE_WRITE,
    TLS,
)

SHIPPED = Path(__file__).parents[2] / "config" / "targets.yml"


def test_the_shipped_config_scrapes_the_local_exporter_at_the_default_interval() -> None:
    assert load(SHIPPED).jobs == (
        JobConfig("node", static_configs=(StaticGroup(("127.0.0.1:9110",)),)),
    )


def test_the_shipped_config_documents_every_key() -> None:
    text = SHIPPED.read_text()
    keys = {
        key
        for section in (
            GLOBAL,
            JOB,
            BASIC_AUTH,
            TLS,
            FILE_SD,
            GROUP,
            REMOTE_WRITE,
            AUTHORIZATION,
            RELABEL,
            QUEUE,
        )
        for key in section.known
    }
    undocumented = {key for key in keys if not re.search(rf"^[ #-]*{key}:", text, re.MULTILINE)}
    assert undocumented == set()

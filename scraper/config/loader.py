"""Loading targets.yml: the global block, then every job inheriting from it."""

from __future__ import annotations

import os

from model.limits import Limits
from scraper.config.jobs import read_job, read_limits, read_timing
from scraper.config.model import (
    DEFAULT_SCRAPE_INTERVAL,
    DEFAULT_SCRAPE_TIMEOUT,
    GlobalConfig,
    JobConfig,
    ScraperConfig,
)
from scraper.config.nodes import Node, Reader, string
from scraper.config.remote import read_remote_writes
from scraper.config.rules import not_empty
from scraper.config.sections import GLOBAL, TOP
from scraper.config.targets import Unique


def load(path: str | os.PathLike[str]) -> ScraperConfig:
    """The valid configuration in ``path``.

    Raises :class:`ConfigErrors` listing every problem as ``file:line:column: message``. A file
    with no jobs is valid and scrapes nothing; ``check-config`` is the place to warn of it.
    """
    reader = Reader(os.fspath(path))
    fields = reader.fields(reader.root(), TOP)
    defaults = _global(reader, fields.get("global"))
    jobs = _jobs(reader, fields.get("scrape_configs"), defaults)
    remote_writes = read_remote_writes(reader, fields.get("remote_write"))
    reader.check()
    return ScraperConfig(reader.file, defaults, jobs, remote_writes)


def _global(reader: Reader, node: Node | None) -> GlobalConfig:
    fields = reader.fields(node, GLOBAL)
    interval, timeout = read_timing(reader, fields, DEFAULT_SCRAPE_INTERVAL, DEFAULT_SCRAPE_TIMEOUT)
    return GlobalConfig(interval, timeout, read_limits(reader, fields, Limits()))


def _jobs(reader: Reader, node: Node | None, defaults: GlobalConfig) -> tuple[JobConfig, ...]:
    names = Unique(lambda item: not_empty(string(item)))
    jobs = (
        read_job(reader, item, defaults, names) for item in reader.items(node, "scrape_configs")
    )
    return tuple(job for job in jobs if job is not None)

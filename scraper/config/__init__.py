"""The scraper's configuration: targets.yml (a subset of prometheus.yml's scrape_configs) and
file_sd target files, read into frozen values, with errors naming file, line and column.

    load(path) -> ScraperConfig         every problem at once, as one ConfigErrors
    read_target_file(path)              a file_sd file's target groups
    parse_duration("1h30m") -> 5400.0   Prometheus's duration syntax

Modules: ``model`` (the values), ``rules`` (what one value must be), ``units`` (durations,
sizes), ``nodes`` (walking YAML nodes with positions), ``sections`` (the keys of each block),
``targets``, ``jobs`` and ``loader`` (reading each part of the file).
"""

from scraper.config.loader import load
from scraper.config.model import (
    BasicAuth,
    FileSD,
    GlobalConfig,
    JobConfig,
    ScraperConfig,
    StaticGroup,
    TLSConfig,
)
from scraper.config.targets import read_target_file
from scraper.config.units import parse_duration, parse_size

__all__ = [
    "BasicAuth",
    "FileSD",
    "GlobalConfig",
    "JobConfig",
    "ScraperConfig",
    "StaticGroup",
    "TLSConfig",
    "load",
    "parse_duration",
    "parse_size",
    "read_target_file",
]

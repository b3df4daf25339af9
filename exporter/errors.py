"""The exporter's exception tree (the exporter stands alone, so it has its own root).

    ExporterError
    ├── ConfigError       a flag, environment variable or the web-config file is invalid
    └── CollectorError    a collector could not read its source; its scrape reports success 0
        └── EngineError   a container engine's socket answered something unusable

A ``CollectorError`` never escapes a scrape: the node collector turns it (and any other failure
of one collector) into ``node_scrape_collector_success{collector="..."} 0``.
"""

from __future__ import annotations


class ExporterError(Exception):
    """Root of every error the exporter raises on purpose."""


class ConfigError(ExporterError):
    """Invalid configuration; the message names the flag or key and the offending value."""


class CollectorError(ExporterError):
    """A collector could not produce its metrics this scrape."""


class EngineError(CollectorError):
    """A Docker/Podman socket answered something unusable: names come from cgroup paths."""

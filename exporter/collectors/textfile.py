"""textfile: metrics other programs leave in ``*.prom`` files (node_exporter's textfile collector).

Cron jobs and scripts write the Prometheus text format into ``options.textfile_directory``
(atomically: write elsewhere, then rename); every scrape re-reads the files. A family spread
over several files is merged into one. A file that cannot be read or parsed is skipped and
turns ``node_textfile_scrape_error`` to 1.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from exporter.collector import HostCollector
from exporter.host import read_text

log = logging.getLogger(__name__)


class TextfileCollector(HostCollector):
    name = "textfile"

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, Metric] = {}
        mtimes = GaugeMetricFamily(
            "node_textfile_mtime_seconds",
            "Unixtime mtime of textfiles successfully read.",
            labels=["file"],
        )
        failed = False
        for path in self.files():
            try:
                families = list(text_string_to_metric_families(read_text(path)))
                mtime = path.stat().st_mtime
            except (OSError, ValueError) as error:
                log.error("textfile %s skipped: %s", path, error)
                failed = True
                continue
            mtimes.add_metric([path.name], mtime)
            for family in families:
                merged.setdefault(family.name, family_like(family)).samples.extend(family.samples)
        yield from merged.values()
        if mtimes.samples:
            yield mtimes
        yield GaugeMetricFamily(
            "node_textfile_scrape_error",
            "1 if there was an error opening or reading a file, 0 otherwise",
            float(failed),
        )

    def files(self) -> list[Path]:
        if not self.options.textfile_directory:
            return []
        return sorted(Path(self.options.textfile_directory).glob("*.prom"))


def family_like(family: Metric) -> Metric:
    """An empty family with the name, HELP and type of ``family``, to gather samples into."""
    return Metric(family.name, family.documentation, family.type, family.unit)

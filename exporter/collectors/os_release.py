"""os: the distribution from os-release(5) (node_exporter's os collector).

``/etc/os-release`` under the root filesystem, else ``/usr/lib/os-release``, the standard's
fallback.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from exporter.collector import HostCollector
from exporter.families import info
from exporter.host import read_optional

INFO_FIELDS = (
    "BUILD_ID",
    "ID",
    "ID_LIKE",
    "IMAGE_ID",
    "IMAGE_VERSION",
    "NAME",
    "PRETTY_NAME",
    "VARIANT",
    "VARIANT_ID",
    "VERSION",
    "VERSION_CODENAME",
    "VERSION_ID",
)
MAJOR_MINOR = re.compile(r"^\d+(\.\d+)?")


class OSCollector(HostCollector):
    name = "os"

    def collect(self) -> Iterator[Metric]:
        release = self.release()
        labels = {field.lower(): release.get(field, "") for field in INFO_FIELDS}
        yield info(
            "node_os_info",
            "A metric with a constant '1' value labeled by " + ", ".join(sorted(labels)) + ".",
            labels,
        )
        version = GaugeMetricFamily(
            "node_os_version",
            "Metric containing the major.minor part of the OS version.",
            labels=["id", "id_like", "name"],
        )
        version.add_metric(
            [labels["id"], labels["id_like"], labels["name"]], major_minor(labels["version_id"])
        )
        yield version

    def release(self) -> dict[str, str]:
        for path in ("etc/os-release", "usr/lib/os-release"):
            text = read_optional(self.host.root(path))
            if text is not None:
                return parse_release(text)
        raise FileNotFoundError("neither /etc/os-release nor /usr/lib/os-release exists")


def parse_release(text: str) -> dict[str, str]:
    """os-release's ``KEY=value`` lines, values unquoted as a shell would."""
    fields = {}
    for line in text.splitlines():
        key, sign, value = line.partition("=")
        if sign and not key.startswith("#"):
            words = shlex.split(value, comments=False)
            fields[key.strip()] = words[0] if words else ""
    return fields


def major_minor(version_id: str) -> float:
    """``22.04.3`` as 22.04; 0 when the version is not numeric (rolling releases)."""
    match = MAJOR_MINOR.match(version_id)
    return float(match[0]) if match else 0.0

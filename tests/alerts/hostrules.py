"""Host rules in the style of the awesome-prometheus-alerts collection (node_exporter) and of
the node-mixin's recording rules (with an alert on a recorded series), our own copies of the
expressions, and 31 minutes of node_exporter samples that make each alert fire.

Range windows are 150s, not 2m: samples are a minute apart, and Debian's Prometheus (2.42)
counts a sample exactly on a window's start where Prometheus 3 and hostwatch do not."""

from __future__ import annotations

from model.samples import Sample
from storage import ScrapeRecord

MINUTES = 31  # samples at 0, 1m, ..., 30m
STEP_MS = 60_000
RULES = """\
groups:
  - name: node-exporter
    interval: 1m
    rules:
      - alert: HostOutOfMemory
        expr: >-
          (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10)
          * on (instance) group_left (nodename) node_uname_info{nodename=~".+"}
        for: 2m
        labels:
          severity: warning
        annotations:
          summary: Host out of memory (instance {{ $labels.instance }})
          description: "Node memory is filling up (< 10% left)\\n  VALUE = {{ $value }}\\n  LABELS = {{ $labels }}"
      - alert: HostHighCpuLoad
        expr: 100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[150s])) * 100) > 80
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: Host high CPU load (instance {{ $labels.instance }})
          description: "CPU load is > 80%\\n  VALUE = {{ $value }}"
      - alert: HostOutOfDiskSpace
        expr: node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs"} * 100 / node_filesystem_size_bytes < 10
        for: 2m
        keep_firing_for: 3m
        labels:
          severity: critical
        annotations:
          summary: Host out of disk space (instance {{ $labels.instance }})
          description: "Disk {{ $labels.mountpoint }} is almost full (< 10% left)\\n  VALUE = {{ $value }}"
      - alert: HostUnusualDiskReadRate
        expr: sum by (instance) (rate(node_disk_read_bytes_total[150s])) / 1024 / 1024 > 50
        for: 1m
        labels:
          severity: warning
        annotations:
          summary: Host unusual disk read rate (instance {{ $labels.instance }})
          description: "Disk is probably reading too much data (> 50 MB/s)\\n  VALUE = {{ $value | humanize }}"
      - alert: HostUnusualNetworkThroughputIn
        expr: sum by (instance) (rate(node_network_receive_bytes_total[150s])) > 100e6
        labels:
          severity: warning
          team: "net-{{ $labels.instance }}"
        annotations:
          summary: Host unusual network throughput in (instance {{ $labels.instance }})
          description: "{{ $value }} bytes/s, that is {{ humanize $value }}B/s"
  - name: node-recording
    interval: 1m
    rules:
      - record: instance:node_cpu_utilisation:rate150s
        expr: 1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{mode=~"idle|iowait|steal"}[150s])))
      - record: instance:node_memory_utilisation:ratio
        expr: 1 - (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)
      - record: instance:node_network_receive_bytes_excluding_lo:rate150s
        expr: sum without (device) (rate(node_network_receive_bytes_total{device!="lo"}[150s]))
        labels:
          source: node-mixin
      - record: fleet:node_uname_info:count
        expr: count(node_uname_info)
      - alert: HostMemoryUtilisationHigh
        expr: instance:node_memory_utilisation:ratio > 0.9
        for: 2m
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its memory"
"""  # noqa: E501 (a rule file's lines, as people write them)
ALERTS = [
    "HostOutOfMemory",
    "HostHighCpuLoad",
    "HostOutOfDiskSpace",
    "HostUnusualDiskReadRate",
    "HostUnusualNetworkThroughputIn",
    "HostMemoryUtilisationHigh",
]
RECORDED = [
    "instance:node_cpu_utilisation:rate150s",
    "instance:node_memory_utilisation:ratio",
    "instance:node_network_receive_bytes_excluding_lo:rate150s",
    "fleet:node_uname_info:count",
]


def _between(first: int, last: int, inside: float, outside: float) -> list[float]:
    return [inside if first <= minute <= last else outside for minute in range(MINUTES)]


def _counter(per_minute: list[float]) -> list[float]:
    """A counter's values from how much it grows in each minute (the first minute's is 0)."""
    total, values = 1e9, []
    for minute, growth in enumerate(per_minute):
        total += growth if minute else 0.0
        values.append(total)
    return values


def _host(instance: str) -> dict[tuple[tuple[str, str], ...], list[float]]:
    """Each series of ``instance`` (labels without job and instance) and its values."""
    web1, web2 = instance == "web1:9100", instance == "web2:9100"
    root = {"device": "/dev/sda1", "fstype": "ext4", "mountpoint": "/"}
    run = {"device": "tmpfs", "fstype": "tmpfs", "mountpoint": "/run"}
    series: list[tuple[str, dict[str, str], list[float]]] = [
        ("node_uname_info", {"nodename": instance.split(":")[0]}, [1.0] * MINUTES),
        ("node_memory_MemTotal_bytes", {}, [8e9] * MINUTES),
        ("node_memory_MemAvailable_bytes", {}, _between(5, 19, 4.1e8 if web1 else 4e9, 4e9)),
        ("node_cpu_seconds_total", {"cpu": "0", "mode": "idle"},
         _counter(_between(10, 30, 6.0 if web2 else 60.0, 60.0))),
        ("node_filesystem_size_bytes", root, [1e11] * MINUTES),
        ("node_filesystem_avail_bytes", root, _between(3, 12, 7654321e3 if web1 else 5e10, 5e10)),
        ("node_filesystem_size_bytes", run, [1e9] * MINUTES),
        ("node_filesystem_avail_bytes", run, [1e7] * MINUTES),
        ("node_disk_read_bytes_total", {"device": "sda"},
         _counter(_between(15, 25, 6e9 if web2 else 6e8, 6e8))),
        ("node_network_receive_bytes_total", {"device": "eth0"},
         _counter(_between(20, 24, 7.5e9 if web1 else 6e8, 6e8))),
    ]  # fmt: skip
    return {
        tuple(sorted({"__name__": name, **labels}.items())): values
        for name, labels, values in series
    }


INSTANCES = ("web1:9100", "web2:9100")


def records() -> list[ScrapeRecord]:
    """The samples as the scraper would store them, one scrape per host and minute."""
    found = []
    for instance in INSTANCES:
        target = (("instance", instance), ("job", "node"))
        host = _host(instance)
        for minute in range(MINUTES):
            samples = [
                Sample(dict(key)["__name__"], _labels(key, target), values[minute])
                for key, values in host.items()
            ]
            found.append(
                ScrapeRecord("node", instance, target, minute * STEP_MS, 0.1, None, samples)
            )
    return found


def input_series() -> list[dict[str, str]]:
    """The same samples as promtool's unit tests take them (``input_series``)."""
    found = []
    for instance in INSTANCES:
        for key, values in _host(instance).items():
            labels = dict(_labels(key, (("instance", instance), ("job", "node"))))
            text = ",".join(f'{name}="{value}"' for name, value in sorted(labels.items()))
            found.append(
                {
                    "series": f"{dict(key)['__name__']}{{{text}}}",
                    "values": " ".join(repr(value) for value in values),
                }
            )
    return found


def _labels(
    key: tuple[tuple[str, str], ...], target: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({**{k: v for k, v in key if k != "__name__"}, **dict(target)}.items()))

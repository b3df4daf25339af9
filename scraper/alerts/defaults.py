"""The rules a fresh install has on. alerts.yml overrides one by naming it (keys it leaves
out keep these values) or turns it off with ``enabled: false``."""

from __future__ import annotations

from scraper.alerts.model import Rule

BUILT_IN: tuple[Rule, ...] = (
    Rule(
        "TargetDown",
        "up",
        "==",
        0,
        severity="critical",
        summary="{{ $labels.instance }} is down",
        description="The last scrape of {{ $labels.instance }} (job {{ $labels.job }}) failed.",
    ),
    Rule(
        "FilesystemFull",
        "filesystem_used_percent",
        ">",
        90,
        severity="warning",
        summary="{{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $value }}% full",
        description="Filesystem {{ $labels.device }} mounted on {{ $labels.mountpoint }} "
        "is over 90% full.",
    ),
    Rule(
        "MemoryHigh",
        "memory_percent",
        ">",
        90,
        for_s=600,
        severity="warning",
        summary="{{ $labels.instance }} uses {{ $value }}% of its memory",
        description="Memory use on {{ $labels.instance }} has stayed over 90%.",
    ),
    Rule(
        "CPUHigh",
        "cpu_percent",
        ">",
        90,
        for_s=600,
        severity="warning",
        summary="{{ $labels.instance }} CPU is {{ $value }}% busy",
        description="CPU use on {{ $labels.instance }} has stayed over 90%.",
    ),
    Rule(
        "ScraperBufferFilling",
        "scraper_buffer_percent",
        ">",
        80,
        severity="critical",
        summary="The scraper's write buffer is {{ $value }}% full",
        description="The database is not keeping up or unreachable; when the buffer is full "
        "the oldest samples are dropped.",
    ),
)

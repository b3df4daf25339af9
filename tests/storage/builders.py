"""Small builders so each test states only what matters to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select

from model.samples import Labels, Metadata, Sample
from storage import (
    Function,
    RangeQuery,
    ScrapeRecord,
    ScraperStatus,
    Storage,
    history,
    schema,
)
from storage.backend import Backend

HOUR = 3_600_000
DAY = 24 * HOUR
# Noon UTC, 2025-06-16: every test's clock.
NOW = 1_750_032_000_000 + 12 * HOUR
JOB = "node"
INSTANCE = "web1:9100"


def labels(job: str = JOB, instance: str = INSTANCE, **extra: str) -> Labels:
    return tuple(sorted({"job": job, "instance": instance, **extra}.items()))


def sample(
    name: str,
    value: float,
    timestamp_ms: int | None = None,
    instance: str = INSTANCE,
    more: Mapping[str, str] | None = None,
    **extra: str,
) -> Sample:
    """A sample of the default target; `more` holds labels whose names are not identifiers."""
    return Sample(name, labels(instance=instance, **(more or {}), **extra), value, timestamp_ms)


def record(
    samples: Sequence[Sample] = (),
    *,
    t: int = NOW,
    error: str | None = None,
    instance: str = INSTANCE,
    metadata: Mapping[str, Metadata] | None = None,
) -> ScrapeRecord:
    return ScrapeRecord(
        job=JOB,
        instance=instance,
        labels=(("env", "prod"),),
        timestamp_ms=t,
        duration_s=0.25,
        error=error,
        samples=samples,
        metadata=metadata or {},
    )


def gauge_scrapes(
    name: str, values: Sequence[float], *, start: int, interval: int, **extra: str
) -> list[ScrapeRecord]:
    """One record per value, `interval` ms apart, each with one sample of `name`."""
    return [
        record([Sample(name, labels(**extra), value)], t=start + i * interval)
        for i, value in enumerate(values)
    ]


SCRAPER = ScraperStatus(
    name="0/1",
    config_file="config/targets.yml",
    targets=3,
    reload_ok=True,
    reload_error=None,
    reloaded_ms=NOW - HOUR,
    heartbeat_ms=NOW - 5_000,
)
"""A healthy scraper's report, a few seconds old."""


def range_answers(store: Storage, start: int, end: int) -> dict[str, object]:
    """The range answers of "c" and "g" over [start, end] at a 5-minute step, per function."""
    found: dict[str, object] = {}
    fns: tuple[Function, ...] = ("avg", "min", "max", "last", "rate")
    for fn in fns:
        for metric in ("c", "g"):
            result = store.query_range(RangeQuery(metric, [], start, end, 5 * 60_000, fn))
            found[f"{fn}({metric})"] = [(s.labels, p) for s, p in result.series]
    return found


def raw_read(url: str, low: int, high: int) -> dict[str, tuple[list[int], list[float]]]:
    """Storage's raw read (storage/history.py) of every series in [low, high], by series name."""
    backend = Backend(url)
    try:
        with backend.reading() as conn:
            names = dict(conn.execute(select(schema.series.c.id, schema.series.c.name)).all())
            found = history.read(conn, lambda column: column.isnot(None), low, high)
    finally:
        backend.close()
    return {names[i]: (t.tolist(), v.tolist()) for i, (t, v) in found.items()}

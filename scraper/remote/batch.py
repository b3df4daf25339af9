"""A WriteRequest as ScrapeRecords: one per pushing target, known by its job and instance."""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Mapping, Sequence

from model.errors import InvalidSampleError, PushError
from model.limits import Limits
from model.samples import Labels, Metadata, Sample
from scraper.remote.prompb.remote_pb2 import WriteRequest
from scraper.remote.prompb.types_pb2 import MetricMetadata, TimeSeries
from storage import ScrapeRecord
from storage.validation import check_timestamp

SOURCE = ("source", "push")
"""The target label that tells a pushing host from a scraped one in the servers list."""

STALE_NAN = 0x7FF0000000000002
METADATA_TYPES = {
    MetricMetadata.COUNTER: "counter",
    MetricMetadata.GAUGE: "gauge",
    MetricMetadata.HISTOGRAM: "histogram",
    MetricMetadata.GAUGEHISTOGRAM: "gaugehistogram",
    MetricMetadata.SUMMARY: "summary",
    MetricMetadata.INFO: "info",
    MetricMetadata.STATESET: "stateset",
}


def records(
    request: WriteRequest,
    now_ms: int,
    limits: Limits,
    max_samples: int,
    metadata: Mapping[str, Metadata],
) -> list[ScrapeRecord]:
    """The request's samples grouped by target, received at ``now_ms``, carrying ``metadata``;
    PushError 400 if any series or sample is unfit, so that nothing of a bad request is written."""
    total = sum(len(series.samples) for series in request.timeseries)
    if total > max_samples:
        raise PushError(400, f"{total:,} samples in one request, over the limit of {max_samples:,}")
    groups: dict[tuple[str, str], list[Sample]] = {}
    for series in request.timeseries:
        name, labels, target = _identity(series)
        # Prometheus marks a vanished series with a special NaN; hostwatch has no staleness,
        # and stored it would read as a real NaN sample.
        groups.setdefault(target, []).extend(
            Sample(name, labels, point.value, point.timestamp)
            for point in series.samples
            if not _is_stale(point.value)
        )
    found = [
        _record(job, instance, samples, now_ms, metadata)
        for (job, instance), samples in groups.items()
    ]
    for record in found:
        _check_times(record, limits)
    return found


def _identity(series: TimeSeries) -> tuple[str, Labels, tuple[str, str]]:
    """(metric name, the other labels sorted, (job, instance))."""
    if series.histograms:
        raise PushError(400, "native histograms are not supported: send classic histograms")
    return _named(tuple([(label.name, label.value) for label in series.labels]))


@functools.lru_cache(maxsize=1 << 18)
def _named(pairs: tuple[tuple[str, str], ...]) -> tuple[str, Labels, tuple[str, str]]:
    """_identity's work past reading the labels: the same series come in every request, and
    a cache hit costs a tenth of sorting and checking them again."""
    labels = dict(pairs)
    if len(labels) != len(pairs):
        raise PushError(400, f"a label name appears twice in {_shown(pairs)}")
    name = labels.pop("__name__", "")
    if not name:
        raise PushError(400, f"a series without __name__: {_shown(pairs)}")
    job, instance = labels.get("job", ""), labels.get("instance", "")
    if not job or not instance:
        raise PushError(
            400,
            f"series {name}{_shown(pairs)} lacks a job or instance label: "
            "a pushing host is known by both",
        )
    return name, tuple(sorted(labels.items())), (job, instance)


def _shown(pairs: Sequence[tuple[str, str]]) -> str:
    text = ",".join(f"{name}={value!r}" for name, value in pairs[:8])
    return "{" + text[:200] + ("…" if len(pairs) > 8 or len(text) > 200 else "") + "}"


def _is_stale(value: float) -> bool:
    return math.isnan(value) and struct.unpack("<Q", struct.pack("<d", value))[0] == STALE_NAN


def metadata_of(request: WriteRequest) -> dict[str, Metadata]:
    """The metric families' TYPE, HELP and UNIT (senders send them in requests of their own)."""
    return {
        entry.metric_family_name: Metadata(
            METADATA_TYPES.get(entry.type, "unknown"), entry.help, entry.unit
        )
        for entry in request.metadata
        if entry.metric_family_name
    }


def _record(
    job: str, instance: str, samples: list[Sample], now_ms: int, metadata: Mapping[str, Metadata]
) -> ScrapeRecord:
    labels = (("instance", instance), ("job", job), SOURCE)
    return ScrapeRecord(job, instance, labels, now_ms, 0.0, None, samples, metadata)


def _check_times(record: ScrapeRecord, limits: Limits) -> None:
    """Storage's own timestamp rule, applied before anything is buffered: to the oldest and
    the newest sample, so to all."""
    if not record.samples:
        return
    times = [sample.timestamp_ms or record.timestamp_ms for sample in record.samples]
    try:
        check_timestamp(record, min(times), limits)
        check_timestamp(record, max(times), limits)
    except InvalidSampleError as error:
        raise PushError(400, str(error)) from None

"""A WriteRequest as ScrapeRecords: one per pushing target, known by its job and instance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from model.errors import InvalidSampleError, PushError
from model.limits import Limits
from model.samples import Labels, Metadata, Sample
from scraper.remote.decoder import Request, labels_of
from storage import ScrapeRecord
from storage.validation import check_timestamp

SOURCE = ("source", "push")
"""The target label that tells a pushing host from a scraped one in the servers list."""

_sample = tuple.__new__  # a Sample without its generated __new__: a third of its cost
Identity = tuple[str, Labels, tuple[str, str]]  # metric name, other labels sorted, job/instance


def records(
    request: Request, now_ms: int, limits: Limits, metadata: Mapping[str, Metadata]
) -> list[ScrapeRecord]:
    """The request's samples grouped by target, received at ``now_ms``, carrying ``metadata``;
    PushError 400 if any series or sample is unfit, so that nothing of a bad request is written."""
    groups: dict[tuple[str, str], list[Sample]] = {}
    for key, value, t in request.points:
        # A stale marker (model.staleness) is stored as it came: readers know it.
        name, labels, target = IDENTITIES.get(key) or _identity(key)
        group = groups.get(target)
        if group is None:
            group = groups[target] = []
        group.append(_sample(Sample, (name, labels, value, t)))
    found = [
        _record(job, instance, samples, now_ms, metadata)
        for (job, instance), samples in groups.items()
    ]
    for record in found:
        _check_times(record, limits)
    return found


IDENTITIES: dict[bytes, Identity] = {}
"""Series by their Label fields' bytes, as decoder.read gives them: the same series come in
every request, and one found here costs a dict lookup instead of reading, sorting and checking
its labels again (and decoder.read reads it by a fast path)."""
IDENTITIES_MAX = 1 << 18


def _identity(key: bytes) -> Identity:
    """The series whose Label fields are the bytes ``key``, checked, then remembered."""
    pairs = labels_of(key)
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
    if len(IDENTITIES) >= IDENTITIES_MAX:
        IDENTITIES.clear()
    found = IDENTITIES[key] = name, tuple(sorted(labels.items())), (job, instance)
    return found


def _shown(pairs: Sequence[tuple[str, str]]) -> str:
    text = ",".join(f"{name}={value!r}" for name, value in pairs[:8])
    return "{" + text[:200] + ("…" if len(pairs) > 8 or len(text) > 200 else "") + "}"


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

"""Attaching a target's labels to the samples scraped from it, with Prometheus's semantics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scraper.samples import Labels, Sample


def attach(samples: Iterable[Sample], target: Labels, honor_labels: bool) -> Iterator[Sample]:
    """Each sample with the target's labels merged in and its labels sorted by name.

    On a clash, ``honor_labels`` keeps the scraped value (a federating or pushgateway-like
    target knows better); otherwise the target's value wins and the scraped one is kept as
    ``exported_<name>``. Empty values mean "no such label" and are dropped, as in Prometheus.
    """
    target_names = {name for name, _ in target}
    merge = _honoring if honor_labels else _overriding
    for sample in samples:
        clash = any(name in target_names for name, _ in sample.labels)
        labels = merge(sample.labels, target) if clash else (*sample.labels, *target)
        yield sample._replace(labels=tuple(sorted(pair for pair in labels if pair[1])))


def _honoring(scraped: Labels, target: Labels) -> Labels:
    present = {name for name, _ in scraped}
    return (*scraped, *(pair for pair in target if pair[0] not in present))


def _overriding(scraped: Labels, target: Labels) -> Labels:
    names = {name for name, _ in target}
    renamed = tuple((f"exported_{n}" if n in names else n, v) for n, v in scraped)
    return (*renamed, *target)

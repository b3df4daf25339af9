"""A target's series, and searching them by name or label value."""

from __future__ import annotations

from collections.abc import Sequence

from storage import Matcher, Series, Storage, TargetHealth


def of_target(storage: Storage, target: TargetHealth) -> list[Series]:
    """Every series of ``target``, by name then labels (the API's pagination key)."""
    mine = [Matcher("job", "=", target.job), Matcher("instance", "=", target.instance)]
    return sorted(storage.series(None, mine), key=lambda s: (s.name, repr(s.labels)))


def search(found: Sequence[Series], text: str) -> list[Series]:
    """Series whose name or any label value contains ``text`` (case-insensitive)."""
    wanted = text.strip().casefold()
    return [s for s in found if not wanted or wanted in haystack(s)]


def haystack(series: Series) -> str:
    return " ".join([series.name, *(f"{k}={v}" for k, v in series.labels)]).casefold()

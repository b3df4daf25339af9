"""How storage's values look in JSON: times as RFC 3339, durations in seconds, NaN as null."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote, urlencode

from storage import HealthChange, Series, TargetHealth
from web.http.responses import finite
from web.views.headline import Headline
from web.views.registrations import Origins
from web.views.units import rfc3339

__all__ = ["change", "headline", "rfc3339", "series", "server_path", "target"]


def server_path(target: TargetHealth, suffix: str = "") -> str:
    query = urlencode({"job": target.job})
    return f"/api/v1/servers/{quote(target.instance, safe=':')}{suffix}?{query}"


def target(target: TargetHealth, origins: Origins) -> dict[str, Any]:
    """Times only, no ages: an age changes every second, so the ETag over it would too and a
    cached copy would be wrong at once; a client knows its own clock."""
    return {
        "job": target.job,
        "instance": target.instance,
        "labels": dict(target.labels),
        "health": target.health,
        "health_since": rfc3339(target.health_since_ms),
        "last_scrape": rfc3339(target.last_scrape_ms),
        "last_duration_s": target.last_duration_s,
        "last_error": target.last_error,
        "consecutive_failures": target.consecutive_failures,
        "first_seen": rfc3339(target.first_seen_ms),
        "last_seen": rfc3339(target.last_seen_ms),
        "source": origins.source(target),
        "paused": origins.paused(target),
        "links": {"self": server_path(target), "series": server_path(target, "/series")},
    }


def headline(figures: Headline) -> dict[str, Any]:
    return {
        name: finite(value) if isinstance(value, float) else value
        for name, value in dataclasses.asdict(figures).items()
    }


def change(change: HealthChange) -> dict[str, Any]:
    return {"time": rfc3339(change.timestamp_ms), "health": change.health, "reason": change.reason}


def series(series: Series, kind: str | None) -> dict[str, Any]:
    return {"id": series.id, "name": series.name, "labels": dict(series.labels), "type": kind}

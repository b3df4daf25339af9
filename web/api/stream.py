"""GET /api/v1/stream: Server-Sent Events of health changes, new scrapes and alert changes.

One loop per client polls the targets and alerts tables every ``stream_interval_s`` (two cheap
queries) and compares each target's last scrape and the alerts' states with the previous
round, so browsers get pushes instead of polling every page themselves.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from storage import Storage, TargetHealth
from web.api import shapes
from web.http import params, state
from web.http.responses import finite

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Subscription:
    """Which targets (``server``, ``job``) and which metrics' new values the client wants."""

    server: str
    job: str
    metrics: tuple[str, ...]

    def wants(self, target: TargetHealth) -> bool:
        return self.server in ("", target.instance) and self.job in ("", target.job)


def stream(request: Request) -> Response:
    query = request.query_params
    wanted = Subscription(
        query.get("server", ""),
        query.get("job", ""),
        tuple(params.metric_name("metric", m) for m in query.getlist("metric")),
    )
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _events(request, wanted), media_type="text/event-stream", headers=headers
    )


async def _events(request: Request, wanted: Subscription) -> AsyncIterator[str]:
    store, interval = state.storage(request), state.settings(request).stream_interval_s
    seen, alerts = await _snapshot(store, wanted), await _alerts(store, wanted)
    yield "retry: 5000\n\n"
    while True:
        await anyio.sleep(interval)
        current = await _snapshot(store, wanted)
        for key, target in current.items():
            for event in await to_thread.run_sync(_changes, store, seen.get(key), target, wanted):
                yield event
        seen, before, alerts = current, alerts, await _alerts(store, wanted)
        if alerts != before:
            firing = sum(1 for state in alerts.values() if state == "firing")
            yield _event("alerts", {"firing": firing, "alerts": len(alerts)})
        yield ": keep-alive\n\n"  # also how a vanished client is noticed


async def _snapshot(store: Storage, wanted: Subscription) -> dict[Key, TargetHealth]:
    targets = await to_thread.run_sync(store.targets)
    return {(t.job, t.instance): t for t in targets if wanted.wants(t)}


async def _alerts(store: Storage, wanted: Subscription) -> dict[str, str]:
    """Each wanted alert's state as stored (suppressed apart from firing)."""
    found = await to_thread.run_sync(store.alerts)
    return {
        a.fingerprint: "suppressed" if a.suppressed else a.state
        for a in found
        if wanted.server in ("", a.instance)
    }


def _changes(
    store: Storage, before: TargetHealth | None, now: TargetHealth, wanted: Subscription
) -> list[str]:
    events = []
    if before is None or before.health != now.health:
        events.append(_event("health", shapes.target(now, now.last_scrape_ms or 0)))
    if before is None or before.last_scrape_ms != now.last_scrape_ms:
        events.append(_event("scrape", _scrape(store, now, wanted.metrics)))
    return events


def _scrape(store: Storage, target: TargetHealth, metrics: Sequence[str]) -> dict[str, Any]:
    samples = store.latest(target.job, target.instance) if metrics else []
    return {
        "job": target.job,
        "instance": target.instance,
        "health": target.health,
        "last_scrape": shapes.rfc3339(target.last_scrape_ms),
        "samples": [
            {"name": s.series.name, "labels": dict(s.series.labels), "value": finite(s.value)}
            for s in samples
            if s.series.name in metrics
        ],
    }


def _event(kind: str, payload: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"

"""GET /api/v1/stream: Server-Sent Events of health changes, new scrapes, alert changes and
scrapers' configuration reloads.

One loop per client polls the targets and alerts tables every ``stream_interval_s`` (two cheap
queries) and compares each target's last scrape and the alerts' states with the previous
round, so browsers get pushes instead of polling every page themselves.

Every event, and every round's keep-alive, carries ``id:`` the round's time (unix ms), so
EventSource reconnects with it as ``Last-Event-ID``. A client back within REPLAY_WINDOW_MS gets
what it missed: the targets whose health changed or that were scraped since then (and
REPLAY_SLACK_MS before, for scrapes written late; a repeat is harmless, each event carrying the
current state) and the alert counts. From further back, or with an id this stream never sent,
it gets one ``reset`` event: reload everything from the REST API.

Each round first asks the access check again, as the request's first round did: a stream
whose caller has lost access ends (a browser's EventSource then reconnects, and is refused or
sent to sign in).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from storage import Storage, TargetHealth
from web.api import shapes
from web.auth import access
from web.http import params, state
from web.http.responses import finite
from web.views.registrations import Origins

log = logging.getLogger(__name__)
Key = tuple[str, str]
REPLAY_WINDOW_MS = 5 * 60_000
REPLAY_SLACK_MS = 30_000


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
    now = state.now_ms(request)
    scrapers = await _scrapers(store)
    yield "retry: 5000\n\n"
    resumed = request.headers.get("last-event-id")
    if resumed is not None:
        for event in await to_thread.run_sync(_replay, store, seen, alerts, resumed, now, wanted):
            yield event
    yield f"id: {now}\n\n"
    while True:
        await anyio.sleep(interval)
        if not await to_thread.run_sync(access.still_allowed, request):
            log.info("event stream ended: its caller no longer has access")
            return
        now, current = state.now_ms(request), await _snapshot(store, wanted)
        for target in current.values():
            before = seen.get((target.job, target.instance))
            health = before is None or before.health != target.health
            scraped = before is None or before.last_scrape_ms != target.last_scrape_ms
            for event in await to_thread.run_sync(
                _changes, store, target, wanted, now, health, scraped
            ):
                yield event
        seen, before_alerts, alerts = current, alerts, await _alerts(store, wanted)
        if alerts != before_alerts:
            yield _alerts_event(alerts, now)
        reported, scrapers = scrapers, await _scrapers(store)
        if scrapers != reported:
            refused = sum(1 for error in scrapers.values() if error)
            yield _event("scrapers", {"scrapers": len(scrapers), "refused_config": refused}, now)
        yield f"id: {now}\n: keep-alive\n\n"  # also how a vanished client is noticed


def _replay(
    store: Storage,
    targets: dict[Key, TargetHealth],
    alerts: dict[str, str],
    last_id: str,
    now: int,
    wanted: Subscription,
) -> list[str]:
    """What a client that last saw ``last_id`` missed, or a ``reset`` if that is too long ago."""
    since = int(last_id) if last_id.isdigit() and len(last_id) <= 16 else -1
    if not 0 <= now - since <= REPLAY_WINDOW_MS:
        window = f"{REPLAY_WINDOW_MS // 60_000} minutes"
        reason = f"Last-Event-ID {last_id[:40]!r} is not an id of the last {window}"
        return [_event("reset", {"reason": reason}, now)]
    since -= REPLAY_SLACK_MS
    events = [
        event
        for t in targets.values()
        for event in _changes(
            store,
            t,
            wanted,
            now,
            (t.health_since_ms or 0) >= since,
            (t.last_scrape_ms or 0) >= since,
        )
    ]
    return [*events, _alerts_event(alerts, now)]


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


async def _scrapers(store: Storage) -> dict[str, str]:
    """Each scraper's refused-configuration error ("" when its configuration was taken)."""
    found = await to_thread.run_sync(store.scrapers)
    return {report.name: report.reload_error or "" for report in found}


def _changes(
    store: Storage,
    target: TargetHealth,
    wanted: Subscription,
    now: int,
    health: bool,
    scraped: bool,
) -> list[str]:
    """A ``health`` event if its health changed, a ``scrape`` event if it was scraped."""
    events = []
    if health:
        events.append(_event("health", shapes.target(target, Origins.of(store)), now))
    if scraped:
        events.append(_event("scrape", _scrape(store, target, wanted.metrics), now))
    return events


def _alerts_event(alerts: dict[str, str], now: int) -> str:
    firing = sum(1 for state in alerts.values() if state == "firing")
    return _event("alerts", {"firing": firing, "alerts": len(alerts)}, now)


def _scrape(store: Storage, target: TargetHealth, metrics: Sequence[str]) -> dict[str, Any]:
    # A failed scrape brought no values: the newest stored ones are older, so none are sent.
    failed = target.last_error is not None
    samples = store.latest(target.job, target.instance) if metrics and not failed else []
    return {
        "job": target.job,
        "instance": target.instance,
        "health": target.health,
        "last_scrape": shapes.rfc3339(target.last_scrape_ms),
        "last_seen": shapes.rfc3339(target.last_seen_ms),
        "failed": failed,
        "samples": [
            {"name": s.series.name, "labels": dict(s.series.labels), "value": finite(s.value)}
            for s in samples
            if s.series.name in metrics
        ],
    }


def _event(kind: str, payload: dict[str, Any], event_id: int) -> str:
    data = json.dumps(payload, ensure_ascii=False)
    return f"id: {event_id}\nevent: {kind}\ndata: {data}\n\n"

"""The REST API under /api/v1 (JSON) and /health; see :mod:`web.api.openapi` for the contract."""

from __future__ import annotations

from starlette.routing import Route

from web.api import (
    account,
    alerts,
    entries,
    health,
    prometheus,
    query,
    receivers,
    registrations,
    servers,
    stream,
)

ROUTES = [
    Route("/health", health.health),
    Route("/api/v1/servers", servers.list_servers, methods=["GET"]),
    Route("/api/v1/servers", registrations.create, methods=["POST"]),
    Route("/api/v1/servers/{instance:path}/series", servers.list_series),
    Route("/api/v1/servers/{instance:path}", servers.server, methods=["GET"]),
    Route("/api/v1/servers/{instance:path}", registrations.update, methods=["PATCH"]),
    Route("/api/v1/servers/{instance:path}", registrations.remove, methods=["DELETE"]),
    Route("/api/v1/query_range", query.query_range),
    Route("/api/v1/stream", stream.stream),
    Route("/api/v1/me", account.me),
    Route("/api/v1/alerts", alerts.list_alerts),
    Route("/api/v1/alerts/history", alerts.list_history),
    Route("/api/v1/receivers/{name}/test", receivers.test, methods=["POST"]),
    *entries.ROUTES,
    Route("/api/v1/silences", alerts.list_silences, methods=["GET"]),
    Route("/api/v1/silences", alerts.create_silence, methods=["POST"]),
    Route("/api/v1/silences/{id}", alerts.get_silence, methods=["GET"]),
    Route("/api/v1/silences/{id}", alerts.expire_silence, methods=["DELETE"]),
    *prometheus.ROUTES,
]

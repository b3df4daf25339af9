"""The OpenAPI 3 document of /api/v1 and /health, written by hand to match the handlers.

tests/web/test_openapi.py checks that every documented path answers and every route is
documented, and fuzzes the documented parameters looking for a 500. The 401 and 403 answers
are added to every operation that needs credentials, as web/auth/policy.py applies them.
"""

from __future__ import annotations

from typing import Any

from cli import __version__
from storage import SHOWN_STATES
from web.api.schemas import COMPONENTS, LABELS, ref
from web.auth import cookies
from web.views.alerts import HISTORY_STATES
from web.views.registrations import MAX_INTERVAL_S, MIN_INTERVAL_S

ERROR = ref("Error")


def _param(name: str, where: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path" or schema.pop("required", False),
        "description": description,
        "schema": {"type": "string", **schema},
    }


def _errors(*statuses: int) -> dict[str, Any]:
    reasons = {
        400: "A bad parameter",
        401: "No valid credentials (WWW-Authenticate: Bearer)",
        403: "Credentials whose role is not enough (changes need admin)",
        404: "Not found",
        409: "A conflict: the address is already registered, or a file scrapes it; a name "
        "alerts.yml holds; a receiver a rule sends to",
        503: "The database is unavailable",
        504: "No scraper answered in time",
    }
    return {
        str(status): {
            "description": reasons[status],
            "content": {"application/json": {"schema": ERROR}},
        }
        for status in statuses
    }


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def _answers(description: str, schema: str, *statuses: int) -> dict[str, Any]:
    return {
        "200": _json(description, schema),
        "304": {"description": "Not modified: the If-None-Match ETag is current"},
        **_errors(*statuses),
    }


INSTANCE = _param("instance", "path", "The target's instance (host:port)")
JOB = _param("job", "query", "The job, needed only when several jobs scrape the instance")
LIMIT = _param("limit", "query", "Items per page, 1 to 1000", type="integer", default=100)
CURSOR = _param("cursor", "query", "The opaque cursor from a previous page's links.next")
PAGED = [LIMIT, CURSOR]

SILENCE_ID = _param("id", "path", "The silence's id", type="integer")
MATCHER = {
    "type": "object",
    "required": ["name", "value"],
    "properties": {
        "name": {"type": "string"},
        "value": {"type": "string"},
        "isRegex": {"type": "boolean", "default": False},
        "isEqual": {"type": "boolean", "default": True},
    },
}
NEW_SILENCE = {
    "type": "object",
    "required": ["matchers", "endsAt", "createdBy"],
    "properties": {
        "matchers": {"type": "array", "items": MATCHER, "minItems": 1, "maxItems": 20},
        "startsAt": {"type": "string", "description": "RFC 3339; default now"},
        "endsAt": {"type": "string", "description": "RFC 3339, after startsAt"},
        "createdBy": {"type": "string"},
        "comment": {"type": "string"},
    },
}
_INTERVAL = {
    "type": "string",
    "description": f"A duration like 30s, 2m or 1h, {MIN_INTERVAL_S:g}s to {MAX_INTERVAL_S:g}s",
}
_CHANGES = {
    "labels": {**LABELS, "description": "Labels on every sample (not job or instance)"},
    "scrape_interval": _INTERVAL,
    "paused": {"type": "boolean", "description": "Not scraped nor alerted on; history kept"},
}
NEW_SERVER = {
    "type": "object",
    "required": ["address"],
    "additionalProperties": False,
    "properties": {
        "address": {"type": "string", "description": "host:port of the exporter"},
        "job": {
            "type": "string",
            "description": "default node; a job of targets.yml lends "
            "its settings (path, auth, TLS, limits)",
        },
        "scheme": {"enum": ["http", "https"], "description": "default http"},
        **_CHANGES,
    },
}
CHANGED_SERVER = {"type": "object", "additionalProperties": False, "properties": _CHANGES}
REGISTERED = _json("The registered server", "RegisteredServer")


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


SERVER_CHANGES: dict[str, Any] = {
    "post": {
        "summary": "Register a server to scrape (picked up by the scraper within its reload "
        "interval, stored in the database; source api)",
        "requestBody": _body(NEW_SERVER),
        "responses": {"201": REGISTERED, **_errors(400, 409, 503)},
    },
    "patch": {
        "summary": "Change a registered server's labels, interval or paused",
        "parameters": [],
        "requestBody": _body(CHANGED_SERVER),
        "responses": {"200": REGISTERED, **_errors(400, 404, 503)},
    },
    "delete": {
        "summary": "Stop scraping a registered server (its history stays)",
        "parameters": [],
        "responses": {"200": REGISTERED, **_errors(400, 404, 503)},
    },
}
ALERT_PATHS: dict[str, Any] = {
    "/api/v1/receivers/{name}/test": {
        "post": {
            "summary": "Send a test notification through each integration of a receiver of "
            "alerts.yml (a scraper sends it) and report each real answer: ok, HTTP status, "
            "the service's error or the timeout",
            "parameters": [_param("name", "path", "The receiver's name in alerts.yml")],
            "responses": {
                "200": _json("receiver and results, one per integration", "TestNotification"),
                **_errors(400, 404, 503, 504),
            },
        }
    },
    "/api/v1/alerts": {
        "get": {
            "summary": "Current alerts, firing first: fingerprint, alertname, state, labels, "
            "annotations, value, active_since, fired_at, resolved_at, silenced_by",
            "parameters": [
                _param("state", "query", "Only this state", enum=list(SHOWN_STATES)),
                _param("instance", "query", "Only alerts of this instance"),
                *PAGED,
            ],
            "responses": _answers("alerts, total and links (self, next)", "Alerts", 400, 503),
        }
    },
    "/api/v1/alerts/history": {
        "get": {
            "summary": "Alert transitions, newest first (the latest 10,000)",
            "parameters": [
                _param("state", "query", "Only this state", enum=list(HISTORY_STATES)),
                _param("instance", "query", "Only transitions of this instance"),
                *PAGED,
            ],
            "responses": _answers(
                "history (time, fingerprint, alertname, state, labels, value), total and links",
                "AlertHistory",
                400,
                503,
            ),
        }
    },
    "/api/v1/silences": {
        "get": {
            "summary": "Every silence, newest first, in Alertmanager's shape",
            "responses": _answers("silences", "Silences", 503),
        },
        "post": {
            "summary": "Create a silence (Alertmanager's API v2 body)",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": NEW_SILENCE}},
            },
            "responses": {
                "201": _json("silenceID and the silence", "CreatedSilence"),
                **_errors(400, 503),
            },
        },
    },
    "/api/v1/silences/{id}": {
        "get": {
            "summary": "One silence",
            "parameters": [SILENCE_ID],
            "responses": _answers("The silence", "Silence", 400, 404, 503),
        },
        "delete": {
            "summary": "Expire the silence now",
            "parameters": [SILENCE_ID],
            "responses": {
                "200": _json("The expired silence", "Silence"),
                **_errors(400, 404, 503),
            },
        },
    },
}


def _entry_paths(kind: str, plural: str, shape: str) -> dict[str, Any]:
    """GET and POST of /api/v1/{plural}, PATCH and DELETE of one: blocks of alerts.yml's shape
    created in the browser or over the API, checked by a scraper before they are stored."""
    one = _json(f"The {kind} created in the browser (secrets as set)", "StoredEntry")
    checked = "a scraper checks it with the code that reads alerts.yml"
    return {
        f"/api/v1/{plural}": {
            "get": {
                "summary": f"Every {kind} in force: alerts.yml's (and the built-in) as the "
                f"scrapers report them, read-only, then those created in the browser or over "
                f"this API with their block; a secret reads set, never its value",
                "responses": _answers(plural, plural.capitalize(), 503),
            },
            "post": {
                "summary": f"Create a {kind} from a block of alerts.yml ({shape}); {checked} "
                "(400 in its words, 409 if alerts.yml has the name), stored in the database "
                "and in force on the scrapers' next alerting tick, without a restart",
                "requestBody": _body({"type": "object", "description": shape}),
                "responses": {"201": one, **_errors(400, 409, 503, 504)},
            },
        },
        f"/api/v1/{plural}/{{name}}": {
            "patch": {
                "summary": f"Change a {kind} created in the browser: the keys given replace "
                "its own; a secret left out, empty or set keeps the stored one",
                "parameters": [_param("name", "path", f"The {kind}'s name")],
                "requestBody": _body({"type": "object"}),
                "responses": {"200": one, **_errors(400, 404, 409, 503, 504)},
            },
            "delete": {
                "summary": f"Delete a {kind} created in the browser (409: a rule sends to it)",
                "parameters": [_param("name", "path", f"The {kind}'s name")],
                "responses": {"200": one, **_errors(400, 404, 409, 503)},
            },
        },
    }


ENTRY_PATHS = {
    **_entry_paths(
        "rule",
        "rules",
        "alert, metric, matchers, op, threshold, for, severity, labels, summary, description, "
        "enabled, and receiver: the receiver its alerts go to",
    ),
    **_entry_paths(
        "receiver",
        "receivers",
        "name and Alertmanager's webhook_configs, email_configs, slack_configs, "
        "telegram_configs, ...; no *_file key",
    ),
}


PATHS: dict[str, Any] = {
    "/health": {
        "get": {
            "summary": "Liveness, and whether the database answers",
            "security": [],  # probes carry no credentials
            "responses": {
                "200": _json("Up, database reachable", "Health"),
                "503": _json("Up, database unreachable", "Health"),
            },
        }
    },
    "/api/v1/servers": {
        "get": {
            "summary": "Every target with its health, sorted by job then instance",
            "parameters": [
                _param("job", "query", "Only this job"),
                _param("state", "query", "Only this health", enum=["up", "down", "unknown"]),
                _param(
                    "match[]",
                    "query",
                    'Label matchers as in query_range: env="prod" or {env=~"prod|dev", '
                    'role!="db"}; repeatable, all must hold (job and instance count as labels)',
                ),
                {
                    **_param("label", "query", 'Deprecated: key:value means match[]=key="value"'),
                    "deprecated": True,
                },
                _param(
                    "headline",
                    "query",
                    "true: add each server's headline figures (as on the overview: the five "
                    "minutes before now, so a down server's are null)",
                    enum=["false", "true"],
                    default="false",
                ),
                *PAGED,
            ],
            "responses": _answers("servers, total and links (self, next)", "Servers", 400, 503),
        },
        "post": SERVER_CHANGES["post"],
    },
    "/api/v1/servers/{instance}": {
        "get": {
            "summary": "One target: health, identity, headline figures, health history",
            "parameters": [INSTANCE, JOB],
            "responses": _answers(
                "The target; headline has cpu_percent, memory_percent, "
                "fullest_filesystem_percent, fullest_mountpoint, load1, uptime_s (null if unknown)",
                "Server",
                400,
                404,
                503,
            ),
        },
        "patch": {**SERVER_CHANGES["patch"], "parameters": [INSTANCE]},
        "delete": {**SERVER_CHANGES["delete"], "parameters": [INSTANCE]},
    },
    "/api/v1/servers/{instance}/series": {
        "get": {
            "summary": "The target's series, sorted by name, searchable",
            "parameters": [
                INSTANCE,
                JOB,
                _param("search", "query", "Text the name or a label=value must contain"),
                *PAGED,
            ],
            "responses": _answers(
                "series (id, name, labels, type), total and links", "SeriesPage", 400, 404
            ),
        }
    },
    "/api/v1/query_range": {
        "get": {
            "summary": "One value per step for each series of a metric",
            "parameters": [
                _param("metric", "query", "Metric name", required=True),
                _param("match[]", "query", 'Matchers like mode="idle" or {cpu=~"0|1"}'),
                _param("start", "query", "RFC 3339 or unix seconds; default end - 1h"),
                _param("end", "query", "RFC 3339 or unix seconds; default now"),
                _param("step", "query", "Seconds or 30s/5m/1h; default about 250 points"),
                _param(
                    "fn", "query", "Aggregate per step", enum=["avg", "min", "max", "last", "rate"]
                ),
            ],
            "responses": _answers(
                "metric, fn, start, end, step_s, source (raw|rollup) and series, each with "
                "labels and points [unix seconds, value or null]; at most 11000 points",
                "RangeResult",
                400,
                503,
            ),
        }
    },
    "/api/v1/stream": {
        "get": {
            "summary": "Server-Sent Events: 'health' when a target's health changes (the target "
            "as in /servers), 'scrape' when it was scraped again (with the newest values of the "
            "requested metrics), 'alerts' when alerts changed state (firing and total counts). "
            "Every event and round carries an id (unix ms): reconnecting with Last-Event-ID "
            "within 5 minutes replays what changed since; from further back one 'reset' event "
            "(reason) says to reload from the REST API",
            "parameters": [
                _param("server", "query", "Only this instance"),
                JOB,
                _param("metric", "query", "Include this metric's newest values; repeatable"),
                _param("Last-Event-ID", "header", "The id of the last event seen, to resume"),
            ],
            "responses": {
                "200": {
                    "description": "An endless text/event-stream",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "400": {
                    "description": "A bad parameter",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        }
    },
    "/api/v1/me": {
        "get": {
            "summary": "Who the request authenticates as: user (null with open read-only "
            "access), role, and authenticated_by (token, session or nobody)",
            "responses": {"200": _json("user, role and authenticated_by", "Me")},
        }
    },
    **ALERT_PATHS,
    **ENTRY_PATHS,
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "responses": _answers("OpenAPI 3.1 document", "OpenAPI"),
        }
    },
}


def _guarded(paths: dict[str, Any]) -> dict[str, Any]:
    """``paths`` with 401 on every operation that needs credentials, and 403 on changes."""
    for methods in paths.values():
        for method, operation in methods.items():
            if operation.get("security") == []:
                continue
            statuses = (401,) if method == "get" else (401, 403)
            errors = _errors(*statuses)
            operation["responses"].update({str(s): errors[str(s)] for s in statuses})
    return paths


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "hostwatch API",
        "version": __version__,
        "description": "JSON. Reading needs the viewer role, changes the admin role: send a "
        "personal API token (account page, or hostwatch-web token create) as Authorization: "
        "Bearer <token>; a browser session from /login works too, with its CSRF token in an "
        "X-CSRF-Token header for changes. A server on loopback with no user yet is open for "
        "reading. Changes are silences, registered servers, rules, receivers and accounts. "
        "Responses carry an ETag; send it back as If-None-Match to get 304. Errors are "
        "{error, detail} with a 4xx or 5xx status.",
    },
    "security": [{"bearer": []}, {"session": []}],
    "paths": _guarded(PATHS),
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token; it acts with its user's role",
            },
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": cookies.NAME,
                "description": "The browser session from POST /login (a form of username and "
                "password); changes also need its CSRF token in an X-CSRF-Token header",
            },
        },
        "schemas": COMPONENTS,
    },
}

"""JSON Schemas (2020-12, as OpenAPI 3.1 uses) of every API answer, for the OpenAPI document.

Objects list every field and allow no other, so tests/web/test_openapi_schemas.py, which
validates real answers against them, fails when a handler and its schema drift apart.
"""

from __future__ import annotations

from typing import Any

from storage import ROLES, SHOWN_STATES
from web.views.alerts import HISTORY_STATES
from web.views.identity import FIELDS
from web.views.servers import STATES

Schema = dict[str, Any]
STRING: Schema = {"type": "string"}
NUMBER: Schema = {"type": ["number", "null"], "description": "null: unknown, NaN or infinite"}
INTEGER: Schema = {"type": "integer"}
TIME: Schema = {"type": ["string", "null"], "format": "date-time", "description": "RFC 3339, UTC"}
LABELS: Schema = {"type": "object", "additionalProperties": STRING}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def record(**fields: Schema) -> Schema:
    """An object with exactly ``fields``, all required."""
    return {
        "type": "object",
        "required": list(fields),
        "properties": fields,
        "additionalProperties": False,
    }


def page(items: str, schema: Schema) -> Schema:
    """A page of ``items``, with their total and the links of this page and the next."""
    links = record(self=STRING, next={"type": ["string", "null"]})
    return record(**{items: {"type": "array", "items": schema}}, total=INTEGER, links=links)


def _server(**more: Schema) -> dict[str, Schema]:
    return {
        "job": STRING,
        "instance": STRING,
        "labels": LABELS,
        "health": {"enum": list(STATES)},
        "health_since": TIME,
        "last_scrape": TIME,
        "last_duration_s": NUMBER,
        "last_error": {"type": ["string", "null"]},
        "consecutive_failures": INTEGER,
        "first_seen": TIME,
        "last_seen": TIME,
        "source": {
            "enum": ["targets.yml", "file_sd", "api", None],
            "description": "Where the target is listed; null: no scraper lists it any more",
        },
        "paused": {"type": "boolean"},
        "links": record(self=STRING, series=STRING),
        **more,
    }


HEADLINE = record(
    cpu_percent=NUMBER,
    memory_percent=NUMBER,
    fullest_filesystem_percent=NUMBER,
    fullest_mountpoint={"type": ["string", "null"]},
    load1=NUMBER,
    uptime_s=NUMBER,
    containers={"type": ["integer", "null"], "description": "null: the exporter reports none"},
)
# In the list the headline comes only with headline=true: a field that may be absent.
LISTED_SERVER = {**record(**_server()), "properties": _server(headline=ref("Headline"))}
SERVER = record(
    **_server(
        identity={
            "type": "object",
            "properties": dict.fromkeys((shown for shown, _, _ in FIELDS), STRING),
            "additionalProperties": False,
        },
        headline=ref("Headline"),
        history={
            "type": "array",
            "items": record(
                time=TIME, health={"enum": list(STATES)}, reason={"type": ["string", "null"]}
            ),
        },
    )
)
REGISTERED_SERVER = record(
    address=STRING,
    job=STRING,
    labels=LABELS,
    scheme={"enum": ["http", "https"]},
    scrape_interval=STRING,
    paused={"type": "boolean"},
    source={"const": "api"},
    created=TIME,
    updated=TIME,
)
SERIES = record(id=INTEGER, name=STRING, labels=LABELS, type={"type": ["string", "null"]})
RANGE = record(
    metric=STRING,
    fn={"enum": ["avg", "min", "max", "last", "rate"]},
    start=TIME,
    end=TIME,
    step_s={"type": "number"},
    source={"enum": ["raw", "rollup"]},
    series={
        "type": "array",
        "items": record(
            labels=LABELS,
            points={
                "type": "array",
                "items": {
                    "type": "array",
                    "prefixItems": [{"type": "number"}, NUMBER],
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
        ),
    },
)
ALERT = record(
    fingerprint=STRING,
    alertname=STRING,
    state={"enum": list(SHOWN_STATES)},
    labels=LABELS,
    annotations=LABELS,
    value=NUMBER,
    active_since=TIME,
    fired_at=TIME,
    resolved_at=TIME,
    silenced_by={"type": "array", "items": INTEGER},
)
ALERT_EVENT = record(
    time=TIME,
    fingerprint=STRING,
    alertname=STRING,
    state={"enum": list(HISTORY_STATES)},
    labels=LABELS,
    value=NUMBER,
)
BOOLEAN: Schema = {"type": "boolean"}
SILENCE = record(
    id=INTEGER,
    matchers={
        "type": "array",
        "items": record(name=STRING, value=STRING, isRegex=BOOLEAN, isEqual=BOOLEAN),
    },
    startsAt=TIME,
    endsAt=TIME,
    createdBy=STRING,
    comment=STRING,
    status=record(state={"enum": ["active", "pending", "expired"]}),
)

TEST_RESULT = record(
    integration=STRING,
    kind=STRING,
    ok={"type": "boolean"},
    status={"type": ["integer", "null"], "description": "null: no HTTP answer (timeout, mail)"},
    detail=STRING,
)
# A rule or receiver in force: alerts.yml's as the scrapers summarise it, or a block created
# in the browser (alerts.yml's keys, every secret "set").
ENTRY = record(
    name=STRING,
    source={"enum": ["built-in", "alerts.yml (over the built-in)", "alerts.yml", "browser"]},
    block={"type": "object"},
)

COMPONENTS: dict[str, Schema] = {
    "Error": record(error=STRING, detail=STRING),
    "Health": record(
        status={"enum": ["ok", "unavailable"]}, database={"enum": ["reachable", "unreachable"]}
    ),
    "Servers": page("servers", ref("ListedServer")),
    "ListedServer": LISTED_SERVER,
    "Server": SERVER,
    "Headline": HEADLINE,
    "RegisteredServer": REGISTERED_SERVER,
    "SeriesPage": page("series", SERIES),
    "RangeResult": RANGE,
    "Me": record(
        user={"type": ["string", "null"]},
        role={"enum": list(ROLES)},
        authenticated_by={"enum": ["token", "session", "nobody"]},
    ),
    "Alerts": page("alerts", ref("Alert")),
    "Alert": ALERT,
    "AlertHistory": page("history", ALERT_EVENT),
    "Silences": record(silences={"type": "array", "items": ref("Silence")}),
    "Silence": SILENCE,
    "CreatedSilence": record(silenceID=INTEGER, silence=ref("Silence")),
    "TestNotification": record(receiver=STRING, results={"type": "array", "items": TEST_RESULT}),
    "Rules": record(rules={"type": "array", "items": ref("Entry")}),
    "Receivers": record(receivers={"type": "array", "items": ref("Entry")}),
    "Entry": ENTRY,
    "StoredEntry": {**ENTRY, "properties": {**ENTRY["properties"], "source": {"const": "browser"}}},
    "OpenAPI": {"type": "object", "required": ["openapi", "info", "paths"]},
}

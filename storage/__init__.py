"""hostwatch's time-series store on PostgreSQL or SQLite (see docs/storage.md).

store = Storage.open("sqlite:///var/hostwatch.db")
store.upgrade()
store.write([ScrapeRecord(...)])
store.query_range(RangeQuery("node_load1", [Matcher("instance", "=", "web1:9100")], ...))

``Matcher`` is model.matchers.Matcher; ``TargetHealth`` is model.health's, the type storage
returns targets as.
"""

from model.health import TargetHealth
from storage.accounts import ROLES, ApiToken, Role, User
from storage.alerting import (
    ALERT_STATES,
    SHOWN_STATES,
    Alert,
    AlertEvent,
    AlertState,
    NotificationEntry,
    ShownState,
    Silence,
    shown_state,
    silenced_by,
)
from storage.config import Retention
from storage.migrations import LATEST as SCHEMA_VERSION
from storage.model import (
    AlertingEntry,
    AlertingReport,
    EntryKind,
    Function,
    HealthChange,
    LatestSample,
    MaintenanceReport,
    NotificationTest,
    RangeColumns,
    RangeQuery,
    RangeResult,
    RegisteredServer,
    ScrapeRecord,
    ScraperStatus,
    Series,
    TargetOrigin,
    TargetSource,
)
from storage.selection import QueryLimitError, SelectLimits, SeriesSamples
from storage.store import Storage

__all__ = [
    "ALERT_STATES",
    "ROLES",
    "SCHEMA_VERSION",
    "SHOWN_STATES",
    "Alert",
    "AlertEvent",
    "AlertState",
    "AlertingEntry",
    "AlertingReport",
    "ApiToken",
    "EntryKind",
    "Function",
    "HealthChange",
    "LatestSample",
    "MaintenanceReport",
    "NotificationEntry",
    "NotificationTest",
    "QueryLimitError",
    "RangeColumns",
    "RangeQuery",
    "RangeResult",
    "RegisteredServer",
    "Retention",
    "Role",
    "ScrapeRecord",
    "ScraperStatus",
    "SelectLimits",
    "Series",
    "SeriesSamples",
    "ShownState",
    "Silence",
    "Storage",
    "TargetHealth",
    "TargetOrigin",
    "TargetSource",
    "User",
    "shown_state",
    "silenced_by",
]

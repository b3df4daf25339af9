"""The tables, as of the latest schema version (see migrations.py for how a database gets there).

Sample values are nullable: NULL stands for NaN on both backends, because SQLite cannot store a
NaN (it turns it into NULL) and one representation keeps the query code single-sourced; a
stale marker, which must not read as NaN, is kept as storage/markers.py says.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
)

# SQLite only makes INTEGER PRIMARY KEY an auto-incrementing rowid alias, not BIGINT.
AutoId = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_ms", BigInteger, nullable=False),
)

series = Table(
    "series",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("hash", BigInteger, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("labels", Text, nullable=False),
    # Copied out of `labels` so a target's series are found through an index.
    Column("job", Text),
    Column("instance", Text),
    Index("series_name", "name"),
    Index("series_target", "job", "instance"),
)

samples = Table(
    "samples",
    metadata,
    Column("series_id", BigInteger, primary_key=True, autoincrement=False),
    Column("t", BigInteger, primary_key=True, autoincrement=False),
    Column("value", Double),
    postgresql_partition_by="RANGE (t)",
    sqlite_with_rowid=False,
)

# Closed windows of a series' samples, compressed (storage/codec.py, storage/compaction.py):
# one row per series and UTC day instead of a row per sample. Keyed by series first, like
# samples, so a distributed PostgreSQL (Citus) can shard both by series_id. On SQLite a rowid
# table (step 9), its primary key a unique index: a row of about a kilobyte in a WITHOUT ROWID
# table (an index b-tree, whose cells keep a few hundred bytes in the page) spills into an
# overflow page of its own that stays 60 % empty, where a rowid table's leaf keeps it whole.
chunks = Table(
    "sample_chunks",
    metadata,
    Column("series_id", BigInteger, primary_key=True, autoincrement=False),
    Column("start", BigInteger, primary_key=True, autoincrement=False),
    Column("first_t", BigInteger, nullable=False),
    Column("last_t", BigInteger, nullable=False),
    Column("count", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# The hourly tier (storage/tiers.py): a day of one series' hourly aggregates, compressed, one row
# per series and UTC day; written by compaction with the day's chunk, kept rollup_days. A rowid
# table on SQLite for the same reason as sample_chunks (its rows are about 500 bytes).
rollup_chunks = Table(
    "rollup_chunks",
    metadata,
    Column("series_id", BigInteger, primary_key=True, autoincrement=False),
    Column("start", BigInteger, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
)

# Schema 1-5's hourly rollups, a row per series and hour; maintain() moves what an upgraded
# database still has into rollup_chunks (compaction.py), nothing writes it any more.
rollups = Table(
    "rollups_hourly",
    metadata,
    Column("series_id", BigInteger, primary_key=True, autoincrement=False),
    Column("hour", BigInteger, primary_key=True, autoincrement=False),
    Column("count", Integer, nullable=False),
    Column("sum", Double, nullable=False),
    Column("min", Double, nullable=False),
    Column("max", Double, nullable=False),
    Column("first_t", BigInteger, nullable=False),
    Column("first_value", Double, nullable=False),
    Column("last_t", BigInteger, nullable=False),
    Column("last_value", Double, nullable=False),
    # Counter increase between the hour's own samples, resets accounted for; the step from the
    # previous hour's last value to this hour's first is added at query time.
    Column("increase", Double, nullable=False),
    sqlite_with_rowid=False,
)

targets = Table(
    "targets",
    metadata,
    Column("job", Text, primary_key=True),
    Column("instance", Text, primary_key=True),
    Column("labels", Text, nullable=False),
    Column("health", Text, nullable=False),
    Column("last_scrape_ms", BigInteger),
    Column("last_duration_s", Double),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False),
    Column("first_seen_ms", BigInteger, nullable=False),
    Column("last_seen_ms", BigInteger),
    Column("health_since_ms", BigInteger, nullable=False),
)

health_history = Table(
    "health_history",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("job", Text, nullable=False),
    Column("instance", Text, nullable=False),
    Column("t", BigInteger, nullable=False),
    Column("health", Text, nullable=False),
    Column("reason", Text),
    Index("health_history_target", "job", "instance", "t"),
)

metric_metadata = Table(
    "metric_metadata",
    metadata,
    Column("name", Text, primary_key=True),
    Column("type", Text, nullable=False),
    Column("help", Text, nullable=False),
    Column("unit", Text, nullable=False),
)

maintenance_state = Table(
    "maintenance_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", BigInteger, nullable=False),
)

scrapers = Table(
    "scrapers",
    metadata,
    # One row per scraper process, named by its shard, so each shard's state shows.
    Column("name", Text, primary_key=True),
    Column("config_file", Text, nullable=False),
    Column("targets", Integer, nullable=False),
    Column("reload_ok", Boolean, nullable=False),
    Column("reload_error", Text),
    Column("reloaded_ms", BigInteger, nullable=False),
    Column("heartbeat_ms", BigInteger, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("role", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    # SHA-256 of the token: the token itself is shown once and never stored.
    Column("digest", Text, nullable=False, unique=True),
    Column("created_ms", BigInteger, nullable=False),
    Index("api_tokens_user", "user_id"),
)

# Alerting (scraper/alerts/): current alerts, their transitions, silences, notifications sent.
alerts = Table(
    "alerts",
    metadata,
    Column("fingerprint", Text, primary_key=True),
    Column("rule", Text, nullable=False),
    Column("instance", Text, nullable=False),
    Column("labels", Text, nullable=False),
    Column("annotations", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("value", Double),
    Column("active_since_ms", BigInteger, nullable=False),
    Column("fired_ms", BigInteger),
    Column("resolved_ms", BigInteger),
    Column("updated_ms", BigInteger, nullable=False),
    Column("suppressed", Integer, nullable=False),
)

alert_history = Table(
    "alert_history",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("fingerprint", Text, nullable=False),
    Column("rule", Text, nullable=False),
    Column("instance", Text, nullable=False),
    Column("labels", Text, nullable=False),
    Column("t", BigInteger, nullable=False),
    Column("state", Text, nullable=False),
    Column("value", Double),
    Index("alert_history_t", "t"),
)

silences = Table(
    "silences",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("matchers", Text, nullable=False),
    Column("starts_ms", BigInteger, nullable=False),
    Column("ends_ms", BigInteger, nullable=False),
    Column("comment", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

notification_log = Table(
    "notification_log",
    metadata,
    Column("receiver", Text, primary_key=True),
    Column("group_key", Text, primary_key=True),
    Column("firing", Text, nullable=False),
    Column("resolved", Text, nullable=False),
    Column("sent_ms", BigInteger, nullable=False),
)

# Servers registered at run time (POST /api/v1/servers): written by the web app, read by the
# scraper as one more discovery source beside targets.yml and file_sd.
registered_servers = Table(
    "registered_servers",
    metadata,
    Column("address", Text, primary_key=True),
    Column("job", Text, nullable=False),
    Column("labels", Text, nullable=False),
    Column("scheme", Text, nullable=False),
    Column("scrape_interval_s", Double, nullable=False),
    Column("paused", Boolean, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

# Where each scraper's targets come from (targets.yml, a file_sd file, the API), as it last
# reported: the web app shows it and refuses to register an address a file already scrapes.
target_sources = Table(
    "target_sources",
    metadata,
    Column("scraper", Text, primary_key=True),
    Column("job", Text, primary_key=True),
    Column("address", Text, primary_key=True),
    Column("instance", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("file", Text, nullable=False),
)

# Each scraper's alerting in force (rules, receivers, route), as a JSON document without secrets:
# the /alerts page shows it, since the web app never reads alerts.yml itself.
alerting_reports = Table(
    "alerting_reports",
    metadata,
    Column("scraper", Text, primary_key=True),
    Column("document", Text, nullable=False),
    Column("reported_ms", BigInteger, nullable=False),
)

# "Send test notification": the web app asks, one scraper claims the request, sends through the
# receiver's integrations and stores each one's answer (JSON) for the web app to report.
notification_tests = Table(
    "notification_tests",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("receiver", Text, nullable=False),
    Column("requested_ms", BigInteger, nullable=False),
    Column("claimed_by", Text),
    Column("answered_ms", BigInteger),
    Column("results", Text),
)

# Rules and receivers created in the browser or over the API (kind "rule" or "receiver"): the
# web app proposes a block (JSON, alerts.yml's shape), a scraper checks it with alerts.yml's own
# code and settles it: accepted into ``document`` (with its secrets) and ``shown`` (secrets as
# "set", all the web app ever shows), or refused with ``verdict`` saying why.
alerting_entries = Table(
    "alerting_entries",
    metadata,
    Column("kind", Text, primary_key=True),
    Column("name", Text, primary_key=True),
    Column("document", Text),
    Column("shown", Text),
    Column("proposed", Text),
    Column("proposed_ms", BigInteger),
    Column("verdict", Text),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

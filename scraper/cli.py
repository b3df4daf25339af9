"""``hostwatch-scraper``: scrape the targets of targets.yml into the database.

hostwatch-scraper [run]              scrape until SIGTERM (the default command)
hostwatch-scraper check-config FILE  print OK or every error of FILE and of --alerts; exit 0 or 1
hostwatch-scraper db upgrade         create or upgrade the database schema, then compact the
                                     closed days of plain rows (resumable: run it again)
hostwatch-scraper db import FILE     backfill an OpenMetrics file with timestamps (- for stdin),
                                     as promtool tsdb create-blocks-from openmetrics reads it
hostwatch-scraper maintain           create partitions, roll up closed hours, expire data
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import BinaryIO

import anyio

from cli import __version__
from cli.flags import FlagParser, log_level, parse_listen, positive, run, setup_logging
from model.clock import now_ms
from model.errors import ConfigError, HostwatchError
from scraper import backfill
from scraper.alerts.config import load_or_defaults
from scraper.app import ScraperOptions, serve
from scraper.config import load
from scraper.remote.pushers import PushLimits
from scraper.scrape.admission import DEFAULT_BUDGET
from scraper.scrape.discovery import Shard
from storage import Retention, Storage

PROG = "hostwatch-scraper"
DEFAULT_ALERTS = "config/alerts.yml"
COMMANDS = ("run", "check-config", "db upgrade", "db import", "maintain")
log = logging.getLogger(__name__)


def parser() -> FlagParser:
    flags = FlagParser(PROG, __doc__.split("\n\n")[0], __version__)
    flags.add_argument(
        "command", nargs="*", default=["run"], help=f"one of: {', '.join(COMMANDS)} (default: run)"
    )
    flags.flag("config", "config/targets.yml", "targets file (Prometheus scrape_configs)", "FILE")
    flags.flag(
        "alerts",
        DEFAULT_ALERTS,
        "alert rules, receivers and routes (the default file may be absent: built-in rules)",
        "FILE",
    )
    flags.flag(
        "database-url",
        "sqlite:///var/hostwatch.db",
        "database to write samples to: postgresql+psycopg2://USER@HOST/DB or sqlite:///PATH",
        "URL",
    )
    flags.flag("listen", "127.0.0.1:9111", "address of the scraper's own /metrics", "HOST:PORT")
    flags.flag("shard", "0/1", "scrape only shard i of N (by a hash of the target address)", "I/N")
    flags.flag(
        "buffer-samples",
        "1000000",
        "samples held in memory while the database is "
        "unreachable; beyond it the oldest are dropped",
        "N",
    )
    flags.flag(
        "spill-dir",
        "var/spill",
        "where the buffer goes on disk while the database is down (replayed on start)",
        "DIR",
    )
    flags.flag(
        "spill-max-bytes",
        str(2**30),
        "most bytes the spill log holds; beyond it its oldest segment is dropped",
        "BYTES",
    )
    flags.flag("max-concurrency", "256", "scrapes in flight at once", "N")
    flags.flag(
        "scrape-memory",
        str(DEFAULT_BUDGET),
        "bytes the bodies and samples of all scrapes in flight may hold together; "
        "a scrape past its share of them fails",
        "BYTES",
    )
    flags.flag(
        "reload-interval",
        "5",
        "seconds between checks of the config files and the registered servers for changes "
        "(SIGHUP reloads at once)",
        "SECONDS",
    )
    flags.switch(
        "enable-remote-write-receiver",
        "accept Prometheus remote write 1.0 on POST /api/v1/write of --listen "
        "(senders authenticate with an API token of an admin)",
    )
    flags.flag(
        "remote-write-silence",
        "360",
        "seconds without samples after which a pushing host is marked down",
        "SECONDS",
    )
    flags.flag("retention-raw-days", "30", "days raw samples are kept", "DAYS")
    flags.flag("retention-rollup-days", "400", "days hourly rollups are kept", "DAYS")
    flags.log_level_flag()
    return flags


def options_from(args: argparse.Namespace) -> ScraperOptions:
    return ScraperOptions(
        config_file=args.config,
        alerts_file=args.alerts,
        alerts_required=args.alerts != DEFAULT_ALERTS,
        database_url=args.database_url,
        listen=parse_listen(args.listen, ConfigError),
        shard=Shard.parse(args.shard),
        buffer_samples=positive("buffer-samples", args.buffer_samples, ConfigError),
        spill_dir=args.spill_dir,
        spill_max_bytes=positive("spill-max-bytes", args.spill_max_bytes, ConfigError),
        max_concurrency=positive("max-concurrency", args.max_concurrency, ConfigError),
        scrape_memory=positive("scrape-memory", args.scrape_memory, ConfigError),
        reload_interval=positive("reload-interval", args.reload_interval, ConfigError),
        remote_write_receiver=args.enable_remote_write_receiver,
        push_limits=PushLimits(
            silence_ms=1000
            * positive("remote-write-silence", args.remote_write_silence, ConfigError)
        ),
        retention=Retention(
            raw_days=positive("retention-raw-days", args.retention_raw_days, ConfigError),
            rollup_days=positive("retention-rollup-days", args.retention_rollup_days, ConfigError),
        ),
    )


def check_config(path: str, alerts: str = DEFAULT_ALERTS) -> int:
    return max(_check_targets(path), _check_alerts(alerts))


def _check_targets(path: str) -> int:
    try:
        config = load(path)
    except ConfigError as error:
        print(f"{path}: FAILED\n{error}", file=sys.stderr)
        return 1
    targets = sum(len(group.targets) for job in config.jobs for group in job.static_configs)
    print(f"{path}: OK ({len(config.jobs)} jobs, {targets} static targets)")
    return 0


def _check_alerts(path: str) -> int:
    try:
        config = load_or_defaults(path, required=path != DEFAULT_ALERTS)
    except ConfigError as error:
        print(f"{path}: FAILED\n{error}", file=sys.stderr)
        return 1
    routed = "" if config.default_route else "; no route: nothing is notified"
    grouped = sum(len(group.rules) for group in config.groups)
    counts = (
        f"{len(config.rules)} rules, {len(config.groups)} rule groups with {grouped} rules, "
        f"{len(config.receivers)} receivers"
    )
    print(f"{path}: OK ({counts}{routed})")
    return 0


def main_command(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    level = log_level(args.log_level, ConfigError)
    setup_logging(level)
    if level != "debug":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per scrape drowns the log
    command = " ".join(args.command)
    if args.command[0] == "check-config" and len(args.command) == 2:
        return check_config(args.command[1], args.alerts)
    options = options_from(args)
    if command == "run":
        anyio.run(serve, options)
        return 0
    if command in {"db upgrade", "maintain"}:
        return _database(command, options)
    if args.command[:2] == ["db", "import"]:
        if len(args.command) != 3:
            raise ConfigError("db import takes one FILE (- for stdin)")
        return _import(args.command[2], options)
    raise ConfigError(f"unknown command {command!r} (commands: {', '.join(COMMANDS)})")


def _database(command: str, options: ScraperOptions) -> int:
    store = Storage.open(options.database_url, retention=options.retention)
    try:
        applied = store.upgrade()
        report = store.maintain(now_ms())
        if command == "maintain":
            print(report)
        else:
            print(
                f"schema steps applied: {applied or 'none'}; compacted "
                f"{report.samples_compacted:,} samples in {report.windows_compacted} day(s)"
            )
    finally:
        store.close()
    return 0


def _import(path: str, options: ScraperOptions) -> int:
    """``db import``: the file into the store, then its closed days compacted (maintain)."""
    name = "stdin" if path == "-" else path
    with _opened(path) as source:
        size = os.fstat(source.fileno()).st_size if source.seekable() else None
        store = Storage.open(options.database_url, retention=options.retention)
        try:
            store.upgrade()
            progress = backfill.Progress(sys.stderr, name, size)
            imported = backfill.import_file(source, name, store, progress, now_ms())
            report = store.maintain(now_ms())
        finally:
            store.close()
    print(
        f"{name}: imported {imported.samples:,} samples from {imported.lines:,} lines; "
        f"compacted {report.samples_compacted:,} samples in {report.windows_compacted} day(s)"
    )
    return 0


@contextmanager
def _opened(path: str) -> Iterator[BinaryIO]:
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        source = open(path, "rb")  # noqa: SIM115 (closed below; the error must name the file)
    except OSError as error:
        raise ConfigError(f"db import: cannot read {path}: {error.strerror}") from None
    with source:
        yield source


def main(argv: Sequence[str] | None = None) -> int:
    return run(main_command, argv, PROG, (HostwatchError,))

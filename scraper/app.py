"""The scraper process: loops, write buffer, alerting, reloader, maintenance, own /metrics."""

from __future__ import annotations

import functools
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
from anyio.abc import TaskGroup

from model.clock import now_ms
from model.errors import StorageError
from scraper.alerts.config import load_or_defaults
from scraper.alerts.service import AlertService
from scraper.alerts.trials import Trials
from scraper.buffer import WriteBuffer
from scraper.config import load
from scraper.parser import ScrapeCache
from scraper.remote.pushers import Pushers, PushLimits
from scraper.remote.receiver import Receiver
from scraper.remote.senders import Senders
from scraper.remote.server import ScraperServer
from scraper.scrape.admission import DEFAULT_BUDGET, Budget
from scraper.scrape.discovery import Shard
from scraper.scrape.fetch import Fetcher
from scraper.scrape.loop import ScrapeLoop, Sink
from scraper.scrape.manager import Reloader, ScrapeManager
from scraper.scrape.registry import Registry
from scraper.scrape.target import Target
from scraper.spill import SpillLog
from scraper.telemetry import Telemetry
from scraper.writing import ProcessWriter, Schema, WriterOptions, collect_cycles_rarely
from storage import Retention, ScrapeRecord, ScraperStatus, Storage

log = logging.getLogger(__name__)
FLEET_CACHE_ENTRIES = 200_000


@dataclass(frozen=True)
class ScraperOptions:
    config_file: str = "config/targets.yml"
    alerts_file: str = "config/alerts.yml"
    alerts_required: bool = False  # the default file may be absent: built-in rules only
    database_url: str = "sqlite:///var/hostwatch.db"
    listen: tuple[str, int] = ("127.0.0.1", 9111)
    shard: Shard = field(default_factory=Shard)
    buffer_samples: int = 1_000_000
    spill_dir: str = "var/spill"
    spill_max_bytes: int = 2**30
    max_concurrency: int = 256
    scrape_memory: int = DEFAULT_BUDGET
    reload_interval: float = 5.0
    maintenance_interval: float = 3600.0
    status_interval: float = 15.0
    retention: Retention = field(default_factory=Retention)
    remote_write_receiver: bool = False
    push_limits: PushLimits = field(default_factory=PushLimits)


async def serve(options: ScraperOptions) -> None:
    """Run until SIGTERM or SIGINT; then stop scraping and flush what the buffer holds."""
    collect_cycles_rarely()
    config = load(options.config_file)
    alerts_config = load_or_defaults(options.alerts_file, options.alerts_required)
    limits = config.defaults.limits  # the ceilings every job shares, handed to storage
    store = Storage.open(options.database_url, retention=options.retention, limits=limits)
    # Upgraded here for this process's reads; if the database is down now, the writer
    # process upgrades it on its first write.
    Schema(store)
    writer = ProcessWriter(
        WriterOptions(options.database_url, options.retention, limits, logging.getLogger().level)
    )
    telemetry = Telemetry()
    spill = SpillLog(Path(options.spill_dir), options.spill_max_bytes, _count_spill_drop(telemetry))
    buffer = WriteBuffer(writer, telemetry, max_samples=options.buffer_samples, spill=spill)
    alerting = AlertService(
        alerts_config, store, telemetry, buffer.used_percent, options.alerts_required
    )
    fetcher = Fetcher(options.max_concurrency, Budget(options.scrape_memory))
    senders = Senders(telemetry)
    sink = _sink(buffer, alerting, senders)
    pushers = Pushers(options.push_limits, limits)
    receiver = (
        Receiver(store, pushers, _from_threads(sink), telemetry, storage_limits=limits)
        if options.remote_write_receiver
        else None
    )
    metrics = _serve_metrics(options.listen, telemetry, receiver)
    try:
        writer.start()
        async with anyio.create_task_group() as group:
            manager = ScrapeManager(group, _loop_factory(fetcher, sink, telemetry, options))
            registry = Registry(store, str(options.shard))
            registry.read()
            reloader = Reloader(
                options.config_file,
                manager,
                telemetry,
                options.shard,
                config,
                registry,
                on_applied=lambda applied: senders.apply(applied.remote_write),
            )
            reloader.check()
            log.info("scraping %d targets", len(manager.loops))
            group.start_soon(buffer.run)
            group.start_soon(spill.keep_synced)
            group.start_soon(senders.run)
            group.start_soon(alerting.run, lambda: _scraped(manager) | pushers.targets())
            trials = Trials(store, str(options.shard), lambda: alerting.config, alerting.describe)
            group.start_soon(trials.run)
            if receiver is not None:
                every = min(options.status_interval, options.push_limits.silence_ms / 4000)
                group.start_soon(_watch_pushers, store, pushers, sink, every)
            group.start_soon(reloader.run, options.reload_interval)
            group.start_soon(_maintain, store, options.maintenance_interval)
            status = functools.partial(_status, reloader, alerting, manager)
            group.start_soon(_report, store, status, options.status_interval)
            await _until_stopped(group)
        await buffer.flush()
    finally:
        writer.close()
        spill.close()
        metrics.shutdown()
        await fetcher.aclose()
        store.close()


def _count_spill_drop(telemetry: Telemetry) -> Callable[[int], None]:
    return telemetry.dropped.labels("spill_full").inc


def _scraped(manager: ScrapeManager) -> set[tuple[str, str]]:
    return {(loop.target.job.job_name, loop.target.instance) for loop in manager.loops}


def _sink(buffer: WriteBuffer, alerting: AlertService, senders: Senders) -> Sink:
    """Each scrape is buffered for the database, queued for each remote_write endpoint and
    evaluated by the alert rules at once."""

    def take(record: ScrapeRecord) -> None:
        buffer.put(record)
        senders.offer(record)
        alerting.observe(record)

    return take


def _from_threads(sink: Sink) -> Sink:
    """``sink`` for the receiver's request threads: each record is taken in the event loop,
    where the buffer and the alert rules live, and the request waits until it is."""
    token = anyio.lowlevel.current_token()

    def take(record: ScrapeRecord) -> None:
        anyio.from_thread.run_sync(sink, record, token=token)

    return take


async def _watch_pushers(store: Storage, pushers: Pushers, sink: Sink, interval: float) -> None:
    """Mark down the pushing hosts that fell silent, those of a previous run included."""
    try:
        known = await anyio.to_thread.run_sync(store.targets)
        pushers.restore(known, now_ms())
    except StorageError as error:
        log.warning("pushing hosts of a previous run not known (database unavailable): %s", error)
    while True:
        for record in pushers.silent(now_ms()):
            log.warning("%s/%s: %s", record.job, record.instance, record.error)
            sink(record)
        await anyio.sleep(interval)


def _loop_factory(
    fetcher: Fetcher, sink: Sink, telemetry: Telemetry, options: ScraperOptions
) -> Callable[[Target], ScrapeLoop]:
    limiter = anyio.CapacityLimiter(options.max_concurrency)
    # One parser cache for every target: hosts expose the same series text, so a new target's
    # first scrape reads mostly what others did, and the fleet holds one copy, not one each.
    cache = ScrapeCache(max_entries=FLEET_CACHE_ENTRIES)

    def new_loop(target: Target) -> ScrapeLoop:
        return ScrapeLoop(target, fetcher, sink, limiter, telemetry, cache)

    return new_loop


async def _until_stopped(group: TaskGroup) -> None:
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for signum in signals:
            log.info("%s: stopping", signal.Signals(signum).name)
            group.cancel_scope.cancel()
            return


async def _maintain(store: Storage, interval: float) -> None:
    """Partitions ahead, rollups of closed hours, expired data out; a failure waits a round."""
    while True:
        try:
            report = await anyio.to_thread.run_sync(store.maintain, now_ms())
            log.info("maintenance: %s", report)
        except StorageError as error:
            log.error("maintenance failed, retrying in %gs: %s", interval, error)
        await anyio.sleep(interval)


def _status(reloader: Reloader, alerting: AlertService, manager: ScrapeManager) -> ScraperStatus:
    """The scraper's report, a refused alerts.yml counting as a refused reload too."""
    status = reloader.status(len(manager.loops), now_ms())
    if not alerting.last_error:
        return status
    errors = "; ".join(filter(None, [status.reload_error, alerting.last_error]))
    return replace(status, reload_ok=False, reload_error=errors)


async def _report(store: Storage, status: Callable[[], ScraperStatus], interval: float) -> None:
    """Tell the dashboard, through the database, that this scraper runs and how its config is."""
    while True:
        try:
            await anyio.to_thread.run_sync(store.report, status())
        except StorageError as error:
            log.warning("could not report this scraper's status: %s", error)
        await anyio.sleep(interval)


def _serve_metrics(
    listen: tuple[str, int], telemetry: Telemetry, receiver: Receiver | None
) -> ScraperServer:
    server = ScraperServer(listen, telemetry.registry, receiver)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("own metrics on %s/metrics", server.url)
    if receiver is not None:
        log.info("receiving remote write on %s/api/v1/write", server.url)
    return server

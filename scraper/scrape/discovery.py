"""From the config to the set of targets: static groups, file_sd files, servers registered
through the API, and this shard's share."""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from model.errors import ConfigError, HostwatchError
from scraper.config import JobConfig, ScraperConfig, StaticGroup, read_target_file
from scraper.fingerprint import fingerprint
from scraper.scrape.target import Target
from storage import RegisteredServer, TargetOrigin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shard:
    """``--shard i/N``: this process scrapes the targets whose address hashes to ``i`` mod N."""

    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, value: str) -> Shard:
        index, _, count = value.partition("/")
        if not (index.isdigit() and count.isdigit() and int(index) < int(count)):
            raise ConfigError(f"--shard: {value!r} is not i/N with 0 <= i < N")
        return cls(int(index), int(count))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, address: str) -> bool:
        return self.count == 1 or fingerprint(address) % self.count == self.index


class FileTargets:
    """file_sd files, re-read only when they change; a broken file keeps its last good groups."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, int, int], tuple[StaticGroup, ...]]] = {}

    def groups(self, pattern: str) -> Iterator[tuple[str, StaticGroup]]:
        """Each group of the files ``pattern`` matches, with the file it is in."""
        for path in sorted(glob.glob(pattern)):
            for group in self._read(path):
                yield path, group

    def _read(self, path: str) -> tuple[StaticGroup, ...]:
        try:
            stat = os.stat(path)
        except OSError:
            return ()
        version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = self._cache.get(path)
        if cached is None or cached[0] != version:
            self._cache[path] = (version, self._parse(path, cached))
        return self._cache[path][1]

    def _parse(
        self, path: str, cached: tuple[object, tuple[StaticGroup, ...]] | None
    ) -> tuple[StaticGroup, ...]:
        try:
            return read_target_file(path)
        except (HostwatchError, OSError) as error:
            log.error("file_sd: keeping the last good targets of %s: %s", path, error)
            return cached[1] if cached else ()


def targets(
    config: ScraperConfig,
    files: FileTargets,
    shard: Shard,
    registered: Sequence[RegisteredServer] = (),
) -> set[Target]:
    """Every target of every job that this shard scrapes, and the registered servers that are
    not paused. A file's target wins over a registered one of the same address: the API
    refuses to register an address a file scrapes, so that happens only if a file adds it later.
    """
    listed = {
        target
        for job in config.jobs
        for origin, file, group in _groups(config.path, job, files)
        for target in _group_targets(job, group, origin, file)
        if shard.owns(target.address)
    }
    taken = {target.address for target in listed}
    added = (_registered(config, server) for server in registered if not server.paused)
    return listed | {
        target
        for target in added
        if target is not None and target.address not in taken and shard.owns(target.address)
    }


def _groups(
    path: str, job: JobConfig, files: FileTargets
) -> Iterator[tuple[TargetOrigin, str, StaticGroup]]:
    for group in job.static_configs:
        yield "targets.yml", path, group
    for file_sd in job.file_sd_configs:
        for pattern in file_sd.files:
            for file, group in files.groups(pattern):
                yield "file_sd", file, group


def _group_targets(
    job: JobConfig, group: StaticGroup, origin: TargetOrigin, file: str
) -> Iterator[Target]:
    # A target carries its job's settings but not the job's target lists: adding a sibling
    # target must not make this one compare unequal and restart.
    settings = replace(job, static_configs=(), file_sd_configs=())
    for address in group.targets:
        # As in Prometheus, the group's labels may override job and instance.
        labels = {"job": job.job_name, "instance": address, **dict(group.labels)}
        yield Target(settings, address, tuple(sorted(labels.items())), origin, file)


def _registered(config: ScraperConfig, server: RegisteredServer) -> Target | None:
    """The server as a target of its job: the job's settings (the global ones if targets.yml
    has no such job) with the server's scheme and interval."""
    named = [job for job in config.jobs if job.job_name == server.job]
    defaults = config.global_
    try:
        base = (
            named[0]
            if named
            else JobConfig(
                server.job, scrape_timeout=defaults.scrape_timeout, limits=defaults.limits
            )
        )
        settings = replace(
            base,
            static_configs=(),
            file_sd_configs=(),
            scheme=server.scheme,
            scrape_interval=server.scrape_interval_s,
            scrape_timeout=min(base.scrape_timeout, server.scrape_interval_s),
        )
    except ConfigError as error:
        log.error("registered server %s not scraped: %s", server.address, error)
        return None
    labels = {**dict(server.labels), "job": server.job, "instance": server.address}
    return Target(settings, server.address, tuple(sorted(labels.items())), "api")

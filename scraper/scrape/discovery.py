"""From the config to the set of targets: static groups, file_sd files, and this shard's share."""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace

from model.errors import ConfigError, HostwatchError
from scraper.config import JobConfig, ScraperConfig, StaticGroup, read_target_file
from scraper.fingerprint import fingerprint
from scraper.scrape.target import Target

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

    def groups(self, pattern: str) -> Iterator[StaticGroup]:
        for path in sorted(glob.glob(pattern)):
            yield from self._read(path)

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


def targets(config: ScraperConfig, files: FileTargets, shard: Shard) -> set[Target]:
    """Every target of every job that this shard scrapes."""
    return {
        target
        for job in config.jobs
        for group in _groups(job, files)
        for target in _group_targets(job, group)
        if shard.owns(target.address)
    }


def _groups(job: JobConfig, files: FileTargets) -> Iterator[StaticGroup]:
    yield from job.static_configs
    for file_sd in job.file_sd_configs:
        for pattern in file_sd.files:
            yield from files.groups(pattern)


def _group_targets(job: JobConfig, group: StaticGroup) -> Iterator[Target]:
    # A target carries its job's settings but not the job's target lists: adding a sibling
    # target must not make this one compare unequal and restart.
    settings = replace(job, static_configs=(), file_sd_configs=())
    for address in group.targets:
        # As in Prometheus, the group's labels may override job and instance.
        labels = {"job": job.job_name, "instance": address, **dict(group.labels)}
        yield Target(settings, address, tuple(sorted(labels.items())))

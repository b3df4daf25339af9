"""The manager and reloader: a config change is applied as a diff; a broken one is refused."""

from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import pytest

from scraper.config import load
from scraper.scrape.discovery import Shard
from scraper.scrape.fetch import Fetcher
from scraper.scrape.loop import ScrapeLoop
from scraper.scrape.manager import Reloader, ScrapeManager
from scraper.scrape.target import Target
from scraper.telemetry import Telemetry

pytestmark = pytest.mark.anyio

CONFIG = """scrape_configs:
  - job_name: node
    scrape_interval: 1h
    static_configs:
      - targets: [{targets}]
{extra}"""


def write(path: Path, targets: str, extra: str = "") -> None:
    path.write_text(CONFIG.format(targets=targets, extra=extra))


class Harness:
    def __init__(self, path: Path, manager: ScrapeManager, telemetry: Telemetry) -> None:
        self.telemetry = telemetry
        self.manager = manager
        self.reloader = Reloader(str(path), manager, telemetry, Shard(), load(str(path)))
        self.reloader.check()

    def addresses(self) -> set[str]:
        return {loop.target.address for loop in self.manager.loops}

    def loop_of(self, address: str) -> ScrapeLoop:
        return next(loop for loop in self.manager.loops if loop.target.address == address)


async def run_harness(path: Path, test: Callable[[Harness], Awaitable[None]]) -> None:
    telemetry = Telemetry()
    async with Fetcher() as fetcher, anyio.create_task_group() as group:
        limiter = anyio.CapacityLimiter(4)

        def new_loop(target: Target) -> ScrapeLoop:
            return ScrapeLoop(target, fetcher, lambda record: None, limiter, telemetry)

        manager = ScrapeManager(group, new_loop)
        await test(Harness(path, manager, telemetry))
        manager.stop()


async def test_a_reload_starts_new_stops_removed_and_keeps_untouched_loops(tmp_path: Path) -> None:
    path = tmp_path / "targets.yml"
    write(path, '"a:1", "b:1"')

    async def check(h: Harness) -> None:
        kept = h.loop_of("a:1")
        write(path, '"a:1", "c:1"')
        h.reloader.check(force=True)
        assert h.addresses() == {"a:1", "c:1"}
        assert h.loop_of("a:1") is kept

    await run_harness(path, check)


async def test_a_changed_job_setting_restarts_its_targets(tmp_path: Path) -> None:
    path = tmp_path / "targets.yml"
    write(path, '"a:1"')

    async def check(h: Harness) -> None:
        before = h.loop_of("a:1")
        path.write_text(path.read_text().replace("1h", "30m"))
        h.reloader.check(force=True)
        assert h.loop_of("a:1") is not before
        assert h.loop_of("a:1").target.job.scrape_interval == 1800

    await run_harness(path, check)


async def test_an_invalid_file_is_refused_and_the_old_targets_keep_running(tmp_path: Path) -> None:
    path = tmp_path / "targets.yml"
    write(path, '"a:1"')

    async def check(h: Harness) -> None:
        write(path, '"a:1", "not an address"')
        h.reloader.check(force=True)
        assert h.addresses() == {"a:1"}
        assert h.telemetry.registry.get_sample_value("hostwatch_config_last_reload_successful") == 0
        assert "targets.yml:5:" in h.reloader.last_error

    await run_harness(path, check)


async def test_a_refused_reload_shows_in_the_scrapers_status_report(tmp_path: Path) -> None:
    path = tmp_path / "targets.yml"
    write(path, '"a:1"')

    async def check(h: Harness) -> None:
        write(path, '"a:1", "not an address"')
        h.reloader.check(force=True)
        status = h.reloader.status(targets=1, now_ms=1_000)
        assert (status.name, status.config_file, status.targets) == ("0/1", str(path), 1)
        assert status.reload_ok is False
        assert "targets.yml:5:" in (status.reload_error or "")

    await run_harness(path, check)


async def test_a_fixed_file_is_accepted_again(tmp_path: Path) -> None:
    path = tmp_path / "targets.yml"
    write(path, '"a:1"')

    async def check(h: Harness) -> None:
        write(path, "[")
        h.reloader.check(force=True)
        write(path, '"b:1"')
        h.reloader.check(force=True)
        assert h.addresses() == {"b:1"}
        assert h.telemetry.registry.get_sample_value("hostwatch_config_last_reload_successful") == 1

    await run_harness(path, check)


async def test_a_changed_file_is_noticed_without_a_signal(tmp_path: Path) -> None:
    path = tmp_path / "targets.yml"
    write(path, '"a:1"')

    async def check(h: Harness) -> None:
        write(path, '"a:1", "b:1", "c:1"')
        h.reloader.check()
        assert h.addresses() == {"a:1", "b:1", "c:1"}
        targets = h.telemetry.registry.get_sample_value(
            "hostwatch_scraper_targets", {"job": "node"}
        )
        assert targets == 3

    await run_harness(path, check)


async def test_file_sd_targets_follow_their_file(tmp_path: Path) -> None:
    path = tmp_path / "targets.yml"
    (tmp_path / "hosts.yml").write_text('- targets: ["f:1"]\n  labels: {rack: r1}\n')
    write(path, '"a:1"', "    file_sd_configs:\n      - files: [hosts.yml]\n")

    async def check(h: Harness) -> None:
        assert h.addresses() == {"a:1", "f:1"}
        assert dict(h.loop_of("f:1").target.labels)["rack"] == "r1"
        (tmp_path / "hosts.yml").write_text('- targets: ["g:1"]\n')
        h.reloader.check()
        assert h.addresses() == {"a:1", "g:1"}

    await run_harness(path, check)

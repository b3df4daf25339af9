"""Real node_exporter and real hostwatch side by side on 127.0.0.1, for the compatibility tests."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from exporter.collectors import DEFAULT_ENABLED
from exporter.config import ExporterConfig
from exporter.registry import build_registry
from tests.conftest import require_tool
from tests.exporter.serving import free_port, serving

STARTUP_TIMEOUT = 20.0


@contextmanager
def running(
    argv: list[str], ready_url: str, log: Path, timeout: float = STARTUP_TIMEOUT
) -> Iterator[subprocess.Popen[bytes]]:
    """``argv`` started, and stopped afterwards; ready once ``ready_url`` answers 200."""
    with open(log, "wb") as output:
        child = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_ready(child, ready_url, log, timeout)
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)


def wait_ready(
    child: subprocess.Popen[bytes], url: str, log: Path, timeout: float = STARTUP_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"{child.args!r} exited with {child.returncode}: {log.read_text()}")
        if answers(url):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{child.args!r} not ready at {url} after {timeout:g}s")


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:  # not listening yet
        return False


@contextmanager
def node_exporter(workdir: Path) -> Iterator[str]:
    """Debian's prometheus-node-exporter with its defaults; yields its host:port."""
    binary = require_tool("prometheus-node-exporter")
    address = f"127.0.0.1:{free_port()}"
    argv = [binary, f"--web.listen-address={address}"]
    with running(argv, f"http://{address}/metrics", workdir / "node_exporter.log"):
        yield address


@contextmanager
def hostwatch() -> Iterator[str]:
    """hostwatch's real HTTP server with every default collector; yields its host:port."""
    registry = build_registry(ExporterConfig(collectors=DEFAULT_ENABLED))
    with serving(registry) as server:
        yield server.url.removeprefix("http://")


def scrape(address: str) -> str:
    response = httpx.get(f"http://{address}/metrics", timeout=10)
    response.raise_for_status()
    return response.text


def parse(body: str) -> dict[str, Metric]:
    """The body's families by name (counters without their ``_total``, as the parser names them)."""
    return {family.name: family for family in text_string_to_metric_families(body)}


def promtool_problems(body: str) -> set[str]:
    """What ``promtool check metrics`` says of an exposition body, line by line."""
    promtool = require_tool("promtool")
    result = subprocess.run(
        [promtool, "check", "metrics"], input=body, capture_output=True, text=True, timeout=60
    )
    return {line.strip() for line in (result.stdout + result.stderr).splitlines() if line.strip()}

"""Remote write received: samples/s and CPU per 1,000 samples, hostwatch beside Prometheus.

    .venv/bin/python -m bench.remote_write [--targets 200] [--series 1000] [--rounds 6]

The same pre-encoded requests (2,000 samples each, as Prometheus's max_samples_per_send, in
snappy-compressed protobuf) are posted by 4 client threads to a real ``hostwatch-scraper
--enable-remote-write-receiver`` writing to a fresh PostgreSQL database, then to Debian's
``prometheus --web.enable-remote-write-receiver`` (its TSDB, the anchor). One round sends one
sample of every series of every target; the first round creates the series and is reported
apart. "accepted" is until the last 204; for hostwatch, "written through" is until its
``samples_written`` counter has every sample of the phase (the write buffer drains after the
answers), and its CPU is counted until then, that of its writer process included.
"""

from __future__ import annotations

import argparse
import functools
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import httpx

from bench import loader
from bench.exporter import cpu_seconds, free_port
from bench.scrape import metric, stop
from model import tokens
from model.samples import Sample as Scraped
from scraper.config.model import QueueConfig, RemoteWriteConfig
from scraper.remote import wire
from scraper.remote.prompb.remote_pb2 import WriteRequest
from scraper.remote.prompb.types_pb2 import Label, Sample, TimeSeries
from scraper.remote.sender import Sender
from scraper.telemetry import Telemetry
from storage import ScrapeRecord, Storage

PER_REQUEST = 2000
SENT = "prometheus_remote_storage_samples_total"
SAMPLES_PER_SCRAPE = 510  # a node_exporter scrape with up, scrape_duration_seconds, ...
CLIENTS = 4
WRITE_WAIT_S = 300
SHARDS = (1, 4)  # queue_config.max_shards of the sender measured: one queue, the default
Round = list[bytes]


def rounds(targets: int, series: int, count: int) -> list[Round]:
    """``count`` rounds of requests, each round one sample per series, a second apart."""
    start = time.time_ns() // 1_000_000 - count * 1000
    names = [(f"bench_metric_{i % 50}", str(i)) for i in range(series)]
    made = []
    for r in range(count):
        flat = [
            TimeSeries(
                labels=[
                    Label(name="__name__", value=name),
                    Label(name="id", value=ident),
                    Label(name="instance", value=f"host{t}:9100"),
                    Label(name="job", value="node"),
                ],
                samples=[Sample(value=float(r * t), timestamp=start + r * 1000)],
            )
            for t in range(targets)
            for name, ident in names
        ]
        made.append(
            [
                wire.encode(WriteRequest(timeseries=flat[i : i + PER_REQUEST]))
                for i in range(0, len(flat), PER_REQUEST)
            ]
        )
    return made


def post_all(url: str, bodies: Sequence[bytes], token: str) -> tuple[float, dict[int, int]]:
    """(seconds, answers by status) to post ``bodies`` from CLIENTS threads."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": wire.CONTENT_TYPE,
        "Content-Encoding": wire.ENCODING,
        "X-Prometheus-Remote-Write-Version": "0.1.0",
    }
    statuses: dict[int, int] = {}
    with httpx.Client(timeout=60, limits=httpx.Limits(max_connections=CLIENTS)) as client:

        def post(body: bytes) -> int:
            return client.post(url, content=body, headers=headers).status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            for status in pool.map(post, bodies):
                statuses[status] = statuses.get(status, 0) + 1
        return time.perf_counter() - started, statuses


def measure(
    name: str, url: str, pid: int, made: list[Round], token: str, written: Written | None = None
) -> None:
    """Post every round and print samples/s and CPU per 1,000 samples, round one apart.

    ``written`` (hostwatch's samples_written counter) makes each phase last until its samples
    are in the database, not only until the last answer: the CPU is then that of the writes too.
    """
    first = len(made[0]) * PER_REQUEST
    cpu, started = tree_cpu_seconds(pid), time.perf_counter()
    accepting, _ = post_all(url, made[0], token)
    through = _settled(written, first, started)
    creating = tree_cpu_seconds(pid) - cpu
    samples = sum(len(r) for r in made[1:]) * PER_REQUEST
    cpu, own, started, took = tree_cpu_seconds(pid), cpu_seconds(pid), time.perf_counter(), 0.0
    answers: dict[int, int] = {}
    for bodies in made[1:]:
        seconds, statuses = post_all(url, bodies, token)
        took += seconds
        for status, count in statuses.items():
            answers[status] = answers.get(status, 0) + count
    steady = _settled(written, first + samples, started)
    used, own = tree_cpu_seconds(pid) - cpu, cpu_seconds(pid) - own
    print(
        f"{name:<10} first round (new series) {first / accepting:>9,.0f} samples/s accepted"
        f"{_through(first, through)}, {creating / first * 1e6:.1f} ms CPU per 1,000 samples"
    )
    print(
        f"{'':<10} then {samples / took:>9,.0f} samples/s accepted{_through(samples, steady)}, "
        f"{used / samples * 1e6:.1f} ms CPU per 1,000 samples ({own / samples * 1e6:.1f} in the "
        f"receiving process); answers {answers}"
    )


Written = Callable[[], float]


def _settled(written: Written | None, total: int, started: float) -> float | None:
    """Seconds from ``started`` until ``written`` counts ``total`` samples (None: not asked)."""
    if written is None:
        return None
    deadline = time.monotonic() + WRITE_WAIT_S
    while written() < total:
        if time.monotonic() > deadline:
            raise SystemExit(f"not all of {total:,} samples written after {WRITE_WAIT_S} s")
        time.sleep(0.05)
    return time.perf_counter() - started


def _through(samples: int, seconds: float | None) -> str:
    return "" if seconds is None else f", {samples / seconds:>9,.0f} written through"


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and of its children alive (the scraper's writer process),
    whichever of its threads started them."""
    children = [int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in _of(task)]
    return cpu_seconds(pid) + sum(tree_cpu_seconds(child) for child in children)


def _of(task: Path) -> list[str]:
    """The children a thread started; none if it has just ended (worker threads come and go)."""
    try:
        return (task / "children").read_text().split()
    except FileNotFoundError:
        return []


def hostwatch(made: list[Round], workdir: Path) -> None:
    database = f"hostwatch_bench_remote_{secrets.token_hex(3)}"
    loader.recreate(database)
    try:
        url = loader.url_of(database)
        with Storage.open(url) as store:
            store.upgrade()
            store.add_user("bench", "admin", "!")  # no password: signs in by token only
            token = tokens.new()
            store.add_token("bench", "bench", tokens.digest(token))
        (workdir / "targets.yml").write_text("scrape_configs: []\n")
        listen = f"127.0.0.1:{free_port()}"
        command = [
            *(sys.executable, "-m", "scraper", "--config", str(workdir / "targets.yml")),
            *("--database-url", url, "--listen", listen, "--log-level", "warning"),
            "--enable-remote-write-receiver",
        ]
        with subprocess.Popen(command) as scraper:
            try:
                wait_ready(f"http://{listen}/metrics")
                written = functools.partial(samples_written, f"http://{listen}/metrics")
                url = f"http://{listen}/api/v1/write"
                measure("hostwatch", url, scraper.pid, made, token, written)
            finally:
                stop(scraper)
    finally:
        loader.drop(database)


async def ship(url: str, records: list[ScrapeRecord], shards: int) -> tuple[float, float]:
    """(samples/s, CPU ms per 1,000 samples) of one Sender of ``shards`` queues shipping
    ``records`` to ``url``."""
    total = sum(len(record.samples) for record in records)
    queue = QueueConfig(capacity=total, batch_send_deadline=1.0, max_shards=shards)
    telemetry = Telemetry()
    sender = Sender(RemoteWriteConfig(url, name="bench", queue_config=queue), telemetry)
    async with anyio.create_task_group() as group:
        group.start_soon(sender.run)
        cpu, started = time.process_time(), time.perf_counter()
        for record in records:
            sender.offer(record)
        labels = {"remote_name": "bench", "url": url}
        while (telemetry.registry.get_sample_value(SENT, labels) or 0) < total:
            await anyio.sleep(0.02)
        took, used = time.perf_counter() - started, time.process_time() - cpu
        group.cancel_scope.cancel()
    return total / took, used / total * 1e6


def scrapes(targets: int, count: int, host: str) -> list[ScrapeRecord]:
    """``count`` scrapes of ``targets`` hosts named ``host``N a second apart,
    SAMPLES_PER_SCRAPE samples each, as the loops make them: the same series every time, as
    on a real fleet."""
    start = time.time_ns() // 1_000_000 - count * 1000
    made = []
    for round_ in range(count):
        for t in range(targets):
            labels = (("instance", f"{host}{t}:9100"), ("job", "node"))
            samples = [
                Scraped(f"bench_sent_{i % 50}", (("id", str(i)), *labels), float(i + round_))
                for i in range(SAMPLES_PER_SCRAPE)
            ]
            scraped = start + round_ * 1000
            made.append(ScrapeRecord("node", labels[0][1], labels, scraped, 0.1, None, samples))
    return made


def prometheus(made: list[Round], workdir: Path, targets: int, count: int) -> None:
    binary = shutil.which("prometheus")
    if binary is None:
        print("prometheus    not installed (Debian package prometheus): no anchor")
        return
    (workdir / "prometheus.yml").write_text("scrape_configs: []\n")
    listen = f"127.0.0.1:{free_port()}"
    command = [
        binary,
        f"--config.file={workdir / 'prometheus.yml'}",
        f"--storage.tsdb.path={workdir / 'tsdb'}",
        f"--web.listen-address={listen}",
        "--web.enable-remote-write-receiver",
        "--log.level=warn",
    ]
    with subprocess.Popen(command) as server:
        try:
            wait_ready(f"http://{listen}/-/ready")
            measure("Prometheus", f"http://{listen}/api/v1/write", server.pid, made, "-")
            for shards in SHARDS:
                shipped = scrapes(targets, count, f"sent-by-{shards}-")
                sent(f"http://{listen}/api/v1/write", shipped, shards)
        finally:
            server.terminate()
            server.wait(timeout=30)


def sent(url: str, records: list[ScrapeRecord], shards: int) -> None:
    rate, per_1000 = anyio.run(ship, url, records, shards)
    needed = 10_000 * SAMPLES_PER_SCRAPE / 120
    print(
        f"sent to Prometheus by {shards} shard(s) ({len(records):,} scrapes): "
        f"{rate:,.0f} samples/s, {per_1000:.1f} ms CPU per 1,000 samples "
        f"(10,000 targets at 2 min need {needed:,.0f} samples/s: {rate / needed:.1f}x)"
    )


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.2)
    raise SystemExit(f"{url} not ready after 30 s")


def samples_written(metrics_url: str) -> float:
    return metric(httpx.get(metrics_url).text, "hostwatch_scraper_samples_written_total")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=200)
    parser.add_argument("--series", type=int, default=1000, help="per target")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--send-targets", type=int, default=2000, help="targets shipped")
    parser.add_argument("--send-rounds", type=int, default=3, help="scrapes of each shipped")
    args = parser.parse_args()
    made = rounds(args.targets, args.series, args.rounds)
    print(
        f"{args.targets} targets x {args.series} series, {args.rounds} rounds of "
        f"{len(made[0])} requests of {PER_REQUEST} samples; {CLIENTS} client threads; "
        f"{os.cpu_count()} CPUs, PostgreSQL on the same machine"
    )
    with tempfile.TemporaryDirectory() as tmp:
        hostwatch(made, Path(tmp))
        prometheus(made, Path(tmp), args.send_targets, args.send_rounds)


if __name__ == "__main__":
    main()

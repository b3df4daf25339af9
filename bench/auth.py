"""Can an exporter's basic auth tell which user names exist? Medians of 401 answers, side by side.

    .venv/bin/python -m bench.auth [--requests 15] [--cost 12]

Starts hostwatch's exporter and Debian's node_exporter on 127.0.0.1, each with a web-config
holding one user ``prom`` whose bcrypt hash has ``--cost``, then times, alternately, a wrong
password for ``prom`` and a password for a user that does not exist. Equal medians mean the
time of a 401 does not tell whether the name exists.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bcrypt
import httpx

from bench.exporter import free_port, started, wait_up


def medians(url: str, requests: int) -> tuple[float, float]:
    """Median seconds of a 401 for a wrong password of ``prom``, then for an unknown user."""
    known: list[float] = []
    unknown: list[float] = []
    with httpx.Client(timeout=30) as client:
        wait_up(client, url)
        for attempt in range(requests):
            for user, times in (("prom", known), (f"nobody{attempt}", unknown)):
                begun = time.perf_counter()
                status = client.get(url, auth=(user, f"wrong{attempt}")).status_code
                times.append(time.perf_counter() - begun)
                assert status == 401, status
    return statistics.median(known), statistics.median(unknown)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--requests", type=int, default=15)
    options.add_argument("--cost", type=int, default=12)
    args = options.parse_args()
    node_exporter = shutil.which("prometheus-node-exporter")
    if node_exporter is None:
        raise SystemExit("node_exporter is not installed (Debian: prometheus-node-exporter)")
    hashed = bcrypt.hashpw(b"the real one", bcrypt.gensalt(rounds=args.cost)).decode()
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "web.yml"
        config.write_text(f"basic_auth_users:\n  prom: '{hashed}'\n")
        ports = free_port(), free_port()
        commands = {
            "hostwatch": [
                *(sys.executable, "-m", "exporter", "--listen", f"127.0.0.1:{ports[0]}"),
                *("--config", str(config)),
            ],
            "node_exporter": [
                node_exporter,
                f"--web.listen-address=127.0.0.1:{ports[1]}",
                f"--web.config.file={config}",
            ],
        }
        print(f"bcrypt cost {args.cost}, medians of {args.requests} requests each")
        print(f"{'exporter':<14} {'wrong password':>15} {'unknown user':>13}")
        for (name, command), port in zip(commands.items(), ports, strict=True):
            with started(command):
                known, unknown = medians(f"http://127.0.0.1:{port}/metrics", args.requests)
            print(f"{name:<14} {known * 1000:>12.1f} ms {unknown * 1000:>10.1f} ms")


if __name__ == "__main__":
    main()

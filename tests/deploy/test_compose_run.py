"""docker-compose.yml's commands, run for real on this machine, make a working system.

Without a Docker engine, each hostwatch service becomes a local process: its command (the
console script from this environment) and its environment, with what the containers would
see mapped to this machine: the database URL to a throw-away PostgreSQL database, every
``--listen`` to a free port on 127.0.0.1, container paths through the service's volumes to the
host paths they mount, and the scraper's targets file with the compose host's exporter at the
local exporter's address. The schema upgrade runs to completion first, as Compose orders it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.flags import parse_listen
from tests.deploy.files import Service, compose, dockerfile, eventually, running
from tests.exporter.serving import free_port

BIN = Path(sys.executable).parent
WORKDIR = next(i.arguments for i in dockerfile()[-1] if i.keyword == "WORKDIR")
SERVICES = compose()
EXPORTER_HOST = SERVICES["scraper"].spec["extra_hosts"][0].split(":")[0]
COMPOSE_EXPORTER = (
    f"{EXPORTER_HOST}:{parse_listen(SERVICES['exporter'].flag('listen'), ValueError)[1]}"
)


@dataclass(frozen=True)
class ThisMachine:
    """Where the services' containers would run: here (see the module docstring)."""

    database_url: str
    directory: Path
    ports: dict[str, int]

    def command(self, service: Service) -> list[str]:
        program, *words = service.command
        command = [str(BIN / program)]
        for previous, word in zip(["", *words], words, strict=False):
            mounted = service.container_path(WORKDIR, word) if "volumes" in service.spec else None
            if previous == "--listen":
                command.append(f"127.0.0.1:{self.ports[service.name]}")
            elif previous == "--config" and mounted is not None:
                command.append(str(self.targets(mounted)))
            else:
                command.append(str(mounted or word))
        return command

    def targets(self, path: Path) -> Path:
        """A copy of the targets file whose compose host exporter is the local exporter."""
        copy = self.directory / path.name
        local = f"127.0.0.1:{self.ports['exporter']}"
        copy.write_text(path.read_text().replace(COMPOSE_EXPORTER, local))
        return copy

    def environment(self, service: Service) -> dict[str, str]:
        """This process's environment less any HOSTWATCH_ variable, plus the service's own."""
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("HOSTWATCH_")}
        own = service.environment
        if "HOSTWATCH_DATABASE_URL" in own:
            own["HOSTWATCH_DATABASE_URL"] = self.database_url
        return {**inherited, **own}

    def run(self, service: Service) -> subprocess.CompletedProcess[bytes]:
        command, env = self.command(service), self.environment(service)
        return subprocess.run(command, env=env, cwd=self.directory, timeout=60, check=False)

    def running(self, service: Service) -> AbstractContextManager[None]:
        return running(self.command(service), self.environment(service), self.directory)


def servers_once_up(url: str, instance: str) -> list[dict[str, Any]] | None:
    """The web app's /api/v1/servers if ``instance`` is up there; None until then."""
    try:
        servers: list[dict[str, Any]] = httpx.get(f"{url}/api/v1/servers", timeout=5).json()[
            "servers"
        ]
    except httpx.TransportError:  # the web app is not listening yet
        return None
    up = any(s["instance"] == instance and s["health"] == "up" for s in servers)
    return servers if up else None


@pytest.mark.slow
def test_the_compose_services_run_locally_show_the_hosts_exporter_up(
    empty_postgresql: str, tmp_path: Path
) -> None:
    ports = {"exporter": free_port(), "scraper": free_port(), "web": free_port()}
    here = ThisMachine(empty_postgresql, tmp_path, ports)
    assert here.run(SERVICES["migrate"]).returncode == 0

    with ExitStack() as stack:
        for name in ports:
            stack.enter_context(here.running(SERVICES[name]))
        web = f"http://127.0.0.1:{ports['web']}"
        servers = eventually(
            lambda: servers_once_up(web, "docker-host:9110"),
            60,
            "the host was not up in the web app",
        )

    assert [(s["job"], s["instance"], s["health"]) for s in servers] == [
        ("node", "docker-host:9110", "up")
    ]

"""Container names and images from the Docker or Podman API over its Unix socket, cached.

One call lists every running container (``GET /containers/json``: Docker's API, which Podman
also serves on its socket), so the cost is one request per refresh, never one per container
or per scrape. The list is read again when it is ``REFRESH`` seconds old, or sooner when a
cgroup shows an id the list lacks (a container started since), at most every ``RETRY``
seconds. Only GET requests are made: the exporter never changes anything in an engine.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from exporter.errors import EngineError

log = logging.getLogger(__name__)

REFRESH = 60.0
RETRY = 10.0
TIMEOUT = 2.0
MAX_BODY = 16 * 2**20
"""Bytes of container list read at most (a host with 10,000 containers answers ~10 MB)."""


@dataclass(frozen=True)
class Names:
    name: str
    image: str


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a Unix socket (the standard library speaks it only over TCP)."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def containers(path: str, timeout: float = TIMEOUT) -> dict[str, Names]:
    """{container id: names} of the running containers of the engine listening at ``path``."""
    connection = UnixHTTPConnection(path, timeout)
    try:
        connection.request("GET", "/containers/json")
        response = connection.getresponse()
        body = response.read(MAX_BODY + 1)
    finally:
        connection.close()
    if response.status != 200:
        raise EngineError(f"{path}: GET /containers/json answered {response.status}")
    if len(body) > MAX_BODY:
        raise EngineError(f"{path}: container list larger than {MAX_BODY} bytes")
    try:
        listed = json.loads(body)
    except ValueError as error:
        raise EngineError(f"{path}: container list is not JSON: {error}") from None
    if not isinstance(listed, list):
        raise EngineError(f"{path}: container list is not a JSON array")
    return dict(_entry(item) for item in listed if _valid(item))


def _valid(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("Id"), str)


def _entry(item: dict[str, Any]) -> tuple[str, Names]:
    names = item.get("Names")
    first = names[0] if isinstance(names, list) and names and isinstance(names[0], str) else ""
    image = item.get("Image")
    # Docker lists names with a leading "/" (the root of its old link hierarchy); `docker ps`
    # and cAdvisor show them without.
    return item["Id"], Names(first.lstrip("/"), image if isinstance(image, str) else "")


class EngineNames:
    """The cached names of the containers of every engine socket that exists."""

    def __init__(self, sockets: Sequence[str], clock: Callable[[], float] = time.monotonic) -> None:
        self._sockets = tuple(sockets)
        self._clock = clock
        self._lock = threading.Lock()  # scrapes run in threads of the metrics server
        self._names: dict[str, Names] = {}
        self._read_at: float | None = None
        self._reported: dict[str, str] = {}

    def lookup(self, ident: str) -> Names | None:
        """The names of container ``ident``, refreshing the list when it is due."""
        with self._lock:
            if self._due(ident):
                self._refresh()
            return self._names.get(ident)

    def _due(self, ident: str) -> bool:
        if not self._sockets:
            return False
        if self._read_at is None:
            return True
        age = self._clock() - self._read_at
        return age >= REFRESH or (ident not in self._names and age >= RETRY)

    def _refresh(self) -> None:
        self._read_at = self._clock()
        names: dict[str, Names] = {}
        failed = False
        for path in self._sockets:
            try:
                names.update(containers(path))
            except FileNotFoundError:
                continue  # no such engine on this host
            except (OSError, http.client.HTTPException, EngineError) as error:
                failed = True
                self._report(path, str(error))
        # Names of a moment ago beat none while an engine is restarting.
        self._names = {**self._names, **names} if failed else names

    def _report(self, path: str, error: str) -> None:
        # Once per socket and error: a socket the exporter may not read (not in the docker
        # group) would otherwise log at every retry.
        if self._reported.get(path) != error:
            self._reported[path] = error
            log.warning(
                "container names from %s: %s (names from cgroup paths instead)", path, error
            )

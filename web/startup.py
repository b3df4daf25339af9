"""Waiting, at start, for the database the scraper creates.

The web app never creates or upgrades the schema (it may run on a read-only connection, and
one writer owning the upgrade keeps two versions from racing), so started beside the scraper
on a fresh database it waits, saying so, until the scraper's upgrade has committed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from model.errors import SchemaError, StorageUnavailable
from storage import SCHEMA_VERSION, Storage

log = logging.getLogger(__name__)
POLL_S = 0.5
UPGRADE = "hostwatch-scraper db upgrade"


def wait_for_schema(
    storage: Storage,
    wait_s: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Return once the database answers at this code's schema version; raise SchemaError (or
    StorageUnavailable) naming what to run if it still does not after ``wait_s`` seconds."""
    deadline, said = clock() + wait_s, ""
    while True:
        try:
            current, problem = storage.schema_version(), ""
        except StorageUnavailable as error:
            current, problem = -1, str(error)
        if current >= SCHEMA_VERSION:
            if said:
                log.info("the database schema is at version %d: starting", current)
            return
        if clock() >= deadline:
            raise _gave_up(current, problem, wait_s)
        said = _say(current, problem, wait_s, said)
        sleep(POLL_S)


def _say(current: int, problem: str, wait_s: float, said: str) -> str:
    """Log what is awaited, once per different reason."""
    if current < 0:
        line = f"waiting up to {wait_s:g}s for the database ({problem})"
    else:
        line = (
            f"waiting up to {wait_s:g}s for the database schema (version {current}, this "
            f"code needs {SCHEMA_VERSION}): hostwatch-scraper creates it when it starts, "
            f"or run {UPGRADE}"
        )
    if line != said:
        log.warning("%s", line)
    return line


def _gave_up(current: int, problem: str, wait_s: float) -> Exception:
    if current < 0:
        return StorageUnavailable(f"{problem} (waited {wait_s:g}s)")
    return SchemaError(
        f"database schema is at version {current}, this code needs {SCHEMA_VERSION} "
        f"(waited {wait_s:g}s): run {UPGRADE}"
    )

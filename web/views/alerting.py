"""The alerting in force as the scrapers report it (the web app never reads alerts.yml): rules,
receivers and route for the /alerts page, and test notifications asked for and waited on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from storage import NotificationTest, Storage
from web.http.errors import BadParameter, NotFound, WebError

POLL_S = 0.2
MAX_NAME = 256


class NoAnswer(WebError):
    status = 504
    code = "timeout"


@dataclass(frozen=True)
class InForce:
    """What one scraper reported, or nothing yet (``scraper`` "")."""

    scraper: str
    reported_ms: int
    document: dict[str, Any]

    @classmethod
    def of(cls, store: Storage) -> InForce:
        reports = store.alerting_reports()
        if not reports:
            return cls("", 0, {"file": "", "rules": [], "receivers": [], "route": None})
        newest = max(reports, key=lambda report: report.reported_ms)
        return cls(newest.scraper, newest.reported_ms, json.loads(newest.document))

    @property
    def rules(self) -> list[dict[str, Any]]:
        return list(self.document["rules"])

    @property
    def groups(self) -> list[dict[str, Any]]:
        """The rule groups (none in a report of a scraper from before them)."""
        return list(self.document.get("groups", []))

    @property
    def receivers(self) -> list[dict[str, Any]]:
        return list(self.document["receivers"])

    @property
    def route(self) -> dict[str, Any] | None:
        route: dict[str, Any] | None = self.document["route"]
        return route


def receiver_name(store: Storage, name: str) -> str:
    """``name`` if the alerting in force has that receiver; NotFound naming those it has."""
    if not 0 < len(name) <= MAX_NAME:
        raise BadParameter("name", f"expected a receiver name of 1 to {MAX_NAME} characters")
    known = [receiver["name"] for receiver in InForce.of(store).receivers]
    # One accepted in the browser a moment ago is in force before the scrapers report it.
    known += [e.name for e in store.entries() if e.kind == "receiver" and e.shown is not None]
    if name not in known:
        raise NotFound(
            f"no receiver {name!r} (receivers: {', '.join(dict.fromkeys(known)) or 'none'})"
        )
    return name


async def test_notification(store: Storage, receiver: str, wait_s: float) -> NotificationTest:
    """Ask the scrapers to send a test notification through ``receiver``; its answer, once one
    of them has sent it, or NoAnswer after ``wait_s``."""
    asked = await anyio.to_thread.run_sync(store.request_notification_test, receiver)
    with anyio.move_on_after(wait_s):
        while True:
            found = await anyio.to_thread.run_sync(store.notification_test, asked.id)
            if found is not None and found.results is not None:
                return found
            await anyio.sleep(POLL_S)
    raise NoAnswer(
        f"no scraper answered within {wait_s:g}s: is hostwatch-scraper running on this database?"
    )


def results(test: NotificationTest) -> list[dict[str, Any]]:
    return list(json.loads(test.results or "[]"))

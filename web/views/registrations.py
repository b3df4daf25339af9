"""Servers registered from the API or the overview's form: the JSON they are made from, checked
field by field, and the refusal of an address a file already scrapes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from model.addresses import address_problem
from model.names import settable_label_problem
from storage import RegisteredServer, Storage, TargetHealth, TargetSource
from web.http import params
from web.http.errors import BadParameter, NotFound, WebError

MIN_INTERVAL_S = 1.0
MAX_INTERVAL_S = 3600.0
DEFAULT_INTERVAL = "2m"  # the scraper's own default scrape_interval
MAX_LABELS = 32
MAX_TEXT = 256  # a job name or label value: a few words, not a document
SET_BY_THE_SERVER = ("job", "instance")  # the job field and the address give them
CREATED = frozenset({"address", "job", "labels", "scheme", "scrape_interval", "paused"})
CHANGED = frozenset({"labels", "scrape_interval", "paused"})


class Conflict(WebError):
    status = 409
    code = "conflict"


def created(body: Any, now_ms: int) -> RegisteredServer:
    """A new server from ``{address, job, labels, scheme, scrape_interval, paused}``; only
    address is required (job defaults to node, scheme to http, the interval to 2m)."""
    fields = _object(body, CREATED)
    address = _text(fields, "address", None)
    if problem := address_problem(address):
        raise BadParameter("address", problem)
    return RegisteredServer(
        address=address,
        job=_text(fields, "job", "node"),
        labels=_labels(fields.get("labels", {})),
        scheme=params.choice("scheme", _text(fields, "scheme", "http"), ("http", "https")),
        scrape_interval_s=_interval(fields.get("scrape_interval", DEFAULT_INTERVAL)),
        paused=_flag(fields, "paused"),
        created_ms=now_ms,
        updated_ms=now_ms,
    )


def changed(server: RegisteredServer, body: Any, now_ms: int) -> RegisteredServer:
    """``server`` with what ``{labels, scrape_interval, paused}`` sets; the rest as it was."""
    fields = _object(body, CHANGED)
    updates: dict[str, Any] = {"updated_ms": now_ms}
    if "labels" in fields:
        updates["labels"] = _labels(fields["labels"])
    if "scrape_interval" in fields:
        updates["scrape_interval_s"] = _interval(fields["scrape_interval"])
    if "paused" in fields:
        updates["paused"] = _flag(fields, "paused")
    return dataclasses.replace(server, **updates)


def from_form(form: Mapping[str, str], fields: frozenset[str]) -> dict[str, Any]:
    """The overview's form as the API's JSON body: labels one ``name=value`` a line, paused a
    checkbox (absent when unticked); only the ``fields`` this form has."""
    body: dict[str, Any] = {
        name: form.get(name, "") for name in fields - {"labels", "paused"} if form.get(name)
    }
    if "labels" in fields:
        body["labels"] = _label_lines(form.get("labels", ""))
    if "paused" in fields:
        body["paused"] = form.get("paused") == "on"
    return body


def _label_lines(text: str) -> dict[str, str]:
    labels = {}
    for line in filter(None, (line.strip() for line in text.splitlines())):
        name, equals, value = line.partition("=")
        if not equals:
            raise BadParameter("labels", f"expected name=value on each line, got {line!r}")
        labels[name.strip()] = value.strip()
    return labels


def register(store: Storage, body: Any, now_ms: int) -> RegisteredServer:
    """Register the server ``body`` describes, unless a file lists its address or it already
    is registered (Conflict)."""
    server = created(body, now_ms)
    refuse_scraped(server.address, store.target_sources())
    if store.registered_server(server.address) is not None:
        raise Conflict(f"{server.address} is already registered")
    return store.register_server(server)


def registered(store: Storage, address: str) -> RegisteredServer:
    """The server registered at ``address``; NotFound if there is none."""
    found = store.registered_server(address)
    if found is None:
        raise NotFound(f"no server {address} registered through the API (files list the others)")
    return found


def refuse_scraped(address: str, sources: Sequence[TargetSource]) -> None:
    """Conflict if a file (targets.yml or file_sd) already lists ``address``."""
    for source in sources:
        if source.address == address and source.source != "api":
            raise Conflict(
                f"{address} is already scraped by job {source.job} from {source.file} "
                f"({source.source}); edit that file instead"
            )


@dataclass(frozen=True)
class Origins:
    """Where each target comes from, as the scrapers last reported, and the registered servers
    (a paused one is scraped by nobody, so only the registry knows it)."""

    reported: Mapping[tuple[str, str], str]
    registered: Mapping[str, RegisteredServer]

    @classmethod
    def of(cls, store: Storage) -> Origins:
        reported = {(s.job, s.instance): s.source for s in store.target_sources()}
        return cls(reported, {s.address: s for s in store.registered_servers()})

    def source(self, target: TargetHealth) -> str | None:
        """targets.yml, file_sd or api; None for a target no scraper lists any more."""
        found = self.reported.get((target.job, target.instance))
        if found is None and self._registered(target) is not None:
            return "api"
        return found

    def paused(self, target: TargetHealth) -> bool:
        server = self._registered(target)
        return server is not None and server.paused

    def _registered(self, target: TargetHealth) -> RegisteredServer | None:
        server = self.registered.get(target.instance)
        return server if server is not None and server.job == target.job else None


def interval_text(seconds: float) -> str:
    return f"{seconds:g}s"


def _object(body: Any, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise BadParameter("body", "expected a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise BadParameter(
            unknown[0], f"is not a field here; expected {', '.join(sorted(allowed))}"
        )
    return body


def _text(fields: Mapping[str, Any], name: str, default: str | None) -> str:
    value = fields.get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise BadParameter(name, "expected a non-empty string")
    if len(value) > MAX_TEXT:
        raise BadParameter(name, f"is {len(value)} characters, over {MAX_TEXT}")
    return value.strip()


def _labels(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or len(value) > MAX_LABELS:
        raise BadParameter("labels", f"expected an object of at most {MAX_LABELS} name: value")
    for name in value:
        if problem := settable_label_problem(name):
            raise BadParameter("labels", problem)
        if name in SET_BY_THE_SERVER:
            raise BadParameter("labels", f"{name} is set by the server's job and address")
    return tuple(sorted((name, _text(value, name, None)) for name in value))


def _interval(value: Any) -> float:
    if not isinstance(value, str):
        raise BadParameter("scrape_interval", "expected a duration like 30s, 2m or 1h")
    seconds = params.duration_ms("scrape_interval", value) / 1000
    if not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
        bounds = f"{interval_text(MIN_INTERVAL_S)} to {interval_text(MAX_INTERVAL_S)}"
        raise BadParameter("scrape_interval", f"{value} is outside {bounds}")
    return seconds


def _flag(fields: Mapping[str, Any], name: str) -> bool:
    value = fields.get(name, False)
    if not isinstance(value, bool):
        raise BadParameter(name, "expected true or false")
    return value

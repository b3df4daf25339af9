"""Who may do what, in one table: every route needs ``viewer`` to read and ``admin`` to change
anything, unless RULES says otherwise for its path.

A route added anywhere (an API endpoint, a page with a form) is covered without knowing about
this module; tests/web/test_access.py walks every route of the app to prove it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from storage import Role, User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Need(enum.Enum):
    ANYONE = "anyone"
    SIGNED_IN = "a signed-in user"  # any role: for what a user does to their own account
    VIEWER = "the viewer role"
    ADMIN = "the admin role"


@dataclass(frozen=True, slots=True)
class Rule:
    read: Need
    write: Need

    def need(self, method: str) -> Need:
        return self.read if method in SAFE_METHODS else self.write


MEETS: dict[Role, frozenset[Need]] = {
    "admin": frozenset({Need.SIGNED_IN, Need.VIEWER, Need.ADMIN}),
    "viewer": frozenset({Need.SIGNED_IN, Need.VIEWER}),
    # A remote write sender's account: its token sits in agents' configs on many hosts, so
    # it reads nothing of the fleet; it may only look after its own account and tokens.
    "writer": frozenset({Need.SIGNED_IN}),
}
DEFAULT = Rule(read=Need.VIEWER, write=Need.ADMIN)
OPEN = Rule(read=Need.ANYONE, write=Need.ANYONE)
OWN = Rule(read=Need.SIGNED_IN, write=Need.SIGNED_IN)
READ = Rule(read=Need.VIEWER, write=Need.VIEWER)  # a POST that only reads (a query)
PROMETHEUS_API = "/prometheus/api/v1"

RULES: dict[str, Rule] = {
    "/health": OPEN,  # liveness probes carry no credentials
    "/static": OPEN,  # the login page needs its stylesheet
    "/favicon.ico": OPEN,
    "/login": OPEN,
    "/logout": OWN,
    "/account": OWN,
    "/account/tokens": OWN,
    "/account/tokens/{token_id:int}/revoke": OWN,
    "/account/password": OWN,
    # Grafana POSTs PromQL queries; its health check carries credentials, Prometheus's doesn't.
    **{f"{PROMETHEUS_API}/{path}": READ for path in ("query", "query_range", "series", "labels")},
    f"{PROMETHEUS_API}/query_exemplars": READ,
    "/prometheus/-/healthy": OPEN,
    "/prometheus/-/ready": OPEN,
}


def rule(routes: list[BaseRoute], scope: Scope) -> Rule:
    """The rule of the route the router will pick for ``scope`` (DEFAULT if there is none)."""
    matched = [(route.matches(scope)[0], route) for route in routes]
    for wanted in (Match.FULL, Match.PARTIAL):  # the router's own order of preference
        for match, route in matched:
            if match is wanted:
                return RULES.get(getattr(route, "path", ""), DEFAULT)
    return DEFAULT


def allows(need: Need, user: User | None, open_reading: bool = False) -> bool:
    """Whether ``user`` (None: nobody signed in) meets ``need``; ``open_reading`` lets anyone
    read while no user exists on a loopback-only server."""
    if need is Need.ANYONE:
        return True
    if user is None:
        return open_reading and need is Need.VIEWER
    return need in MEETS[user.role]

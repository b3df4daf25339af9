"""What every endpoint needs: the settings, the store and the clock, kept on ``app.state``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from starlette.requests import HTTPConnection

from model import clock
from promql import EngineLimits
from storage import Storage

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True, slots=True)
class Settings:
    """How the app behaves; ``clock`` (unix ms) is replaceable so tests can pin "now".

    ``open_without_users``: anyone may read while no user exists (the CLI sets it on loopback).
    Without a configured ``session_secret`` sessions end when the process does.
    ``figures_cache_s``: how long the overview's headline figures are reused (0: never).
    ``promql``: what one query of the Prometheus API may cost (samples, series, time).
    ``test_wait_s``: how long a "send test notification", or a rule or receiver created in the
    browser, waits for a scraper's answer.
    """

    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS
    cors_origins: tuple[str, ...] = ()
    stream_interval_s: float = 2.0
    figures_cache_s: float = 10.0
    clock: Callable[[], int] = field(default=clock.now_ms)
    open_without_users: bool = False
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    session_max_age_s: int = 12 * 3600
    promql: EngineLimits = field(default_factory=EngineLimits)
    test_wait_s: float = 30.0


def storage(request: HTTPConnection) -> Storage:
    return cast(Storage, request.app.state.storage)


def settings(request: HTTPConnection) -> Settings:
    return cast(Settings, request.app.state.settings)


def now_ms(request: HTTPConnection) -> int:
    return settings(request).clock()

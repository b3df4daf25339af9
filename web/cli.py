"""``hostwatch-web``: serve the dashboards and REST API, or manage who may use them.

hostwatch-web [serve]                      serve (the default command)
hostwatch-web user add NAME --role ROLE    add a user (asks for the password twice)
hostwatch-web user passwd NAME             set a user's password (ends their sessions)
hostwatch-web user remove NAME             remove a user and their API tokens
hostwatch-web user list                    every user with their role
hostwatch-web token create USER            print a new API token for USER (--token-name)
hostwatch-web token list [USER]            every token's ID, user, name and creation time
hostwatch-web token revoke ID              revoke a token; it stops working at once
"""

from __future__ import annotations

import argparse
import base64
import gc
import ipaddress
import logging
import math
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from cli import __version__
from cli.flags import (
    FlagParser,
    log_level,
    parse_listen,
    positive,
    run,
    setup_logging,
    split_list,
)
from model.errors import ConfigError, HostwatchError, StorageError
from promql import EngineLimits
from storage import ROLES, Storage
from web.app import create_app
from web.auth.commands import COMMANDS
from web.http.state import LOCAL_HOSTS, Settings
from web.startup import wait_for_schema

PROG = "hostwatch-web"
SECRET_BYTES = 32
log = logging.getLogger(__name__)


def parser() -> FlagParser:
    flags = FlagParser(PROG, __doc__.split("\n\n")[0], __version__)
    flags.epilog = "commands:\n" + __doc__.split("\n\n", 1)[1]
    flags.formatter_class = argparse.RawDescriptionHelpFormatter  # keeps the command table
    flags.add_argument(
        "command",
        nargs="*",
        default=["serve"],
        help="serve (the default), or one of the commands below",
    )
    flags.flag("listen", "127.0.0.1:8080", "address to serve on", "HOST:PORT")
    flags.flag("database-url", "sqlite:///var/hostwatch.db", "the scraper's database", "URL")
    flags.flag(
        "read-database-url",
        "",
        "a read replica of it for samples, targets and alerts (accounts and silences stay on "
        "--database-url); empty: none",
        "URL",
    )
    flags.flag(
        "allowed-hosts",
        "",
        f"Host headers to answer, comma-separated ({', '.join(LOCAL_HOSTS)} and the "
        "listen host are always allowed)",
        "LIST",
    )
    flags.flag("cors-origins", "", "origins allowed to read the API cross-site", "LIST")
    flags.flag(
        "session-secret-file",
        "",
        f"file of at least {SECRET_BYTES} random bytes that signs session cookies, made "
        "(mode 0600) if missing; without one, a random secret is made at start and a restart "
        "signs everyone out",
        "FILE",
    )
    flags.flag("session-max-age", "43200", "seconds a login lasts", "SECONDS")
    flags.flag(
        "figures-cache", "10", "seconds the overview's headline figures are reused", "SECONDS"
    )
    flags.flag(
        "schema-wait",
        "60",
        "seconds to wait at start for the scraper to create or upgrade the database schema",
        "SECONDS",
    )
    flags.flag(
        "query-timeout", "120", "seconds a PromQL query may run (/prometheus API)", "SECONDS"
    )
    flags.flag("query-max-samples", "50000000", "samples a PromQL query may read and make", "N")
    flags.flag("query-max-series", "100000", "series one PromQL selector may match", "N")
    flags.log_level_flag()
    flags.add_argument("--role", choices=ROLES, default="viewer", help="user add: the role")
    flags.add_argument(
        "--password-stdin",
        action="store_true",
        help="user add/passwd: read the password from the first line of standard input",
    )
    flags.add_argument("--token-name", default="cli", help="token create: what the token is for")
    return flags


def settings_from(args: argparse.Namespace, listen_host: str) -> Settings:
    hosts = dict.fromkeys([*LOCAL_HOSTS, listen_host, *split_list(args.allowed_hosts)])
    return Settings(
        allowed_hosts=tuple(hosts),
        cors_origins=tuple(split_list(args.cors_origins)),
        open_without_users=is_loopback(listen_host),
        session_secret=session_secret(args.session_secret_file),
        session_max_age_s=positive("session-max-age", args.session_max_age, ConfigError),
        figures_cache_s=seconds("--figures-cache", args.figures_cache),
        promql=query_limits(args),
    )


def query_limits(args: argparse.Namespace) -> EngineLimits:
    timeout = seconds("--query-timeout", args.query_timeout)
    if timeout == 0:
        raise ConfigError(f"--query-timeout: {args.query_timeout!r} must be above 0")
    return EngineLimits(
        max_samples=positive("query-max-samples", args.query_max_samples, ConfigError),
        max_series=positive("query-max-series", args.query_max_series, ConfigError),
        timeout_s=timeout,
    )


def seconds(flag: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 <= number < math.inf:
        raise ConfigError(f"{flag}: {value!r} is not a number of seconds, 0 or more")
    return number


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def session_secret(path: str) -> bytes:
    if not path:
        return secrets.token_bytes(SECRET_BYTES)
    try:
        secret = Path(path).read_bytes().strip()
    except FileNotFoundError:
        return _new_secret_file(Path(path))
    except OSError as error:
        raise ConfigError(f"--session-secret-file: cannot read {path}: {error.strerror}") from None
    if len(secret) < SECRET_BYTES:
        raise ConfigError(
            f"--session-secret-file: {path} holds {len(secret)} bytes, fewer than {SECRET_BYTES} "
            f"(make one: head -c {SECRET_BYTES} /dev/urandom | base64 > {path})"
        )
    return secret


def _new_secret_file(path: Path) -> bytes:
    """A new secret, kept in ``path`` (only this user may read it) for the next start."""
    secret = base64.b64encode(secrets.token_bytes(SECRET_BYTES + 16))
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL: of two web apps starting at once, the second reads the first one's secret.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    except OSError as error:
        raise ConfigError(
            f"--session-secret-file: cannot create {path}: {error.strerror}"
        ) from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(secret + b"\n")
    log.info("made a new session secret in %s", path)
    return secret


def open_storage(url: str, read_url: str = "") -> Storage:
    _check_url("database-url", url)
    if read_url:
        _check_url("read-database-url", read_url)
    return Storage.open(url, read_url=read_url or None)


def _check_url(flag: str, url: str) -> None:
    """A one-line error naming ``flag`` if ``url`` names no database hostwatch can use."""
    try:
        Storage.open(url).close()  # opening connects lazily: this checks the URL and driver
    except (StorageError, ArgumentError, ImportError) as error:
        raise ConfigError(f"--{flag}: cannot use {make_url_safe(url)}: {error}") from None


def make_url_safe(url: str) -> str:
    """The URL with any password masked, fit for an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "this URL"


def command(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    level = log_level(args.log_level, ConfigError)
    setup_logging(level)
    words = " ".join(args.command[:2])
    if args.command == ["serve"]:
        return serve(args, level)
    if words not in COMMANDS:
        raise ConfigError(f"unknown command {words!r} (commands: serve, {', '.join(COMMANDS)})")
    with open_storage(args.database_url) as storage:
        storage.upgrade()  # so the first user can be added before the scraper ever ran
        COMMANDS[words](storage, args.command[2:], args)
    return 0


def serve(args: argparse.Namespace, level: str) -> int:
    host, port = parse_listen(args.listen, ConfigError)
    settings = settings_from(args, host)
    storage = open_storage(args.database_url, args.read_database_url)
    wait_for_schema(storage, seconds("--schema-wait", args.schema_wait))
    storage.targets()  # fail now, in one line, if the database is missing or unreachable
    if not settings.open_without_users and not storage.has_users():
        raise ConfigError(
            f"--listen {args.listen} is not a loopback address and no user exists: "
            "create one with hostwatch-web user add NAME --role admin"
        )
    app = create_app(storage, settings)
    collect_less()
    log.info("serving on http://%s:%d/", host, port)
    uvicorn.run(app, host=host, port=port, log_level=level, access_log=level == "debug")
    return 0


def collect_less() -> None:
    """Computing a large fleet's overview allocates some 100,000 short-lived objects, which at
    CPython's default thresholds starts over a hundred collections, some walking every object
    the process holds: about a fifth of that page's time at 1,000 servers. Objects alive now
    (modules, templates) are left out of collection for good, and young ones collected less
    often."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def main(argv: Sequence[str] | None = None) -> int:
    return run(command, argv, PROG, (HostwatchError,))

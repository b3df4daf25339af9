"""``hostwatch-web``: flags (each also an env var) into Settings, then serve with uvicorn."""

from __future__ import annotations

import argparse
import gc
import logging
import math
from collections.abc import Sequence

import uvicorn
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from exporter import __version__
from exporter.flags import FlagParser, log_level, parse_listen, run, setup_logging, split_list
from scraper.errors import ConfigError, HostwatchError, StorageError
from scraper.storage import Storage
from web.app import create_app
from web.state import LOCAL_HOSTS, Settings

PROG = "hostwatch-web"
log = logging.getLogger(__name__)


def parser() -> FlagParser:
    flags = FlagParser(PROG, "Serve the hostwatch dashboards and REST API.", __version__)
    flags.flag("listen", "127.0.0.1:8080", "address to serve on", "HOST:PORT")
    flags.flag("database-url", "sqlite:///var/hostwatch.db", "the scraper's database", "URL")
    flags.flag(
        "allowed-hosts",
        "",
        f"Host headers to answer, comma-separated ({', '.join(LOCAL_HOSTS)} and the "
        "listen host are always allowed)",
        "LIST",
    )
    flags.flag("cors-origins", "", "origins allowed to read the API cross-site", "LIST")
    flags.flag(
        "figures-cache", "10", "seconds the overview's headline figures are reused", "SECONDS"
    )
    flags.log_level_flag()
    return flags


def settings_from(args: argparse.Namespace, listen_host: str) -> Settings:
    hosts = dict.fromkeys([*LOCAL_HOSTS, listen_host, *split_list(args.allowed_hosts)])
    return Settings(
        allowed_hosts=tuple(hosts),
        cors_origins=tuple(split_list(args.cors_origins)),
        figures_cache_s=seconds("--figures-cache", args.figures_cache),
    )


def seconds(flag: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 <= number < math.inf:
        raise ConfigError(f"{flag}: {value!r} is not a number of seconds, 0 or more")
    return number


def open_storage(url: str) -> Storage:
    try:
        return Storage.open(url)
    except (StorageError, ArgumentError, ImportError) as error:
        raise ConfigError(f"--database-url: cannot use {make_url_safe(url)}: {error}") from None


def make_url_safe(url: str) -> str:
    """The URL with any password masked, fit for an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "this URL"


def serve(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    level = log_level(args.log_level, ConfigError)
    setup_logging(level)
    host, port = parse_listen(args.listen, ConfigError)
    settings = settings_from(args, host)
    storage = open_storage(args.database_url)
    storage.targets()  # fail now, in one line, if the database is missing or unreachable
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
    return run(serve, argv, PROG, (HostwatchError,))

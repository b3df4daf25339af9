"""The command-line style of hostwatch's three programs.

Every flag ``--some-flag`` also reads ``HOSTWATCH_SOME_FLAG``; ``--help`` shows both and the
default; errors are one line on stderr and a non-zero exit. The scraper and the web app build
their parsers with this too, so the three programs cannot drift apart.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

LOG_LEVELS = ("debug", "info", "warning", "error")


def env_name(flag: str) -> str:
    return "HOSTWATCH_" + flag.upper().replace("-", "_")


class FlagParser(argparse.ArgumentParser):
    """An ArgumentParser whose flags default to their environment variables."""

    def __init__(self, prog: str, description: str, version: str) -> None:
        super().__init__(prog=prog, description=description)
        self.add_argument("--version", action="version", version=f"{prog} {version}")

    def flag(self, name: str, default: str, help: str, metavar: str | None = None) -> None:
        """Add ``--name`` whose default is ``$HOSTWATCH_NAME``, else ``default``."""
        variable = env_name(name)
        shown = repr(default) if default else "none"
        self.add_argument(
            f"--{name}",
            default=os.environ.get(variable, default),
            metavar=metavar or name.rsplit("-", 1)[-1].upper(),
            help=f"{help} [env {variable}; default: {shown}]",
        )

    def switch(self, name: str, help: str) -> None:
        """Add ``--name``, off unless given or ``$HOSTWATCH_NAME`` is true, 1 or yes."""
        variable = env_name(name)
        self.add_argument(
            f"--{name}",
            action="store_true",
            default=os.environ.get(variable, "").strip().lower() in {"1", "true", "yes"},
            help=f"{help} [env {variable}; default: off]",
        )

    def log_level_flag(self) -> None:
        self.flag("log-level", "info", f"log verbosity: {', '.join(LOG_LEVELS)}", "LEVEL")

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def setup_logging(level: str) -> None:
    """Log lines to stderr; ``level`` was validated by :func:`log_level`."""
    logging.basicConfig(
        level=level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def log_level(value: str, error: Callable[[str], Exception]) -> str:
    """``value`` lower-cased if it is a known level, else ``error`` naming the flag."""
    if value.lower() not in LOG_LEVELS:
        raise error(f"--log-level: {value!r} is not one of {', '.join(LOG_LEVELS)}")
    return value.lower()


def parse_listen(value: str, error: Callable[[str], Exception]) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6, ``:PORT`` for every interface) as (host, port)."""
    host, colon, port = value.rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        raise error(f"--listen: {value!r} is not HOST:PORT with a port from 1 to 65535")
    return host.strip("[]") or "0.0.0.0", int(port)  # ':PORT' asks for every interface


def positive(flag: str, value: str, error: Callable[[str], Exception]) -> int:
    """``value`` as a whole number above 0, else ``error`` naming ``--flag``."""
    if not value.isdigit() or int(value) == 0:
        raise error(f"--{flag}: {value!r} is not a positive whole number")
    return int(value)


def split_list(value: str) -> list[str]:
    """A comma-separated flag value as its non-empty items."""
    return [item.strip() for item in value.split(",") if item.strip()]


def run(
    main: Callable[[Sequence[str] | None], int],
    argv: Sequence[str] | None,
    prog: str,
    errors: tuple[type[Exception], ...],
) -> int:
    """Call ``main``; an expected error becomes one line on stderr and exit status 1."""
    try:
        return main(argv)
    except errors as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130

"""``hostwatch-exporter``: flags (each also an env var) into an ExporterConfig, then serve."""

from __future__ import annotations

import argparse
import logging
import signal
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TypeVar

from cli import __version__
from cli.flags import FlagParser, log_level, parse_listen, run, setup_logging, split_list
from exporter import webconfig
from exporter.collectors import COLLECTORS, DEFAULT_DISABLED, DEFAULT_ENABLED
from exporter.config import (
    CONTAINER_SOCKETS,
    DISK_EXCLUDE,
    FSTYPE_EXCLUDE,
    MOUNT_EXCLUDE,
    NETDEV_EXCLUDE,
    CollectorOptions,
    ExporterConfig,
    compile_filter,
)
from exporter.errors import ConfigError, ExporterError
from exporter.host import Host
from exporter.registry import build_registry
from exporter.server import ExporterServer

PROG = "hostwatch-exporter"
Number = TypeVar("Number", int, float)
log = logging.getLogger(__name__)


def parser() -> FlagParser:
    flags = FlagParser(
        PROG, "Serve this host's metrics on /metrics (node_exporter-compatible).", __version__
    )
    flags.flag("listen", "0.0.0.0:9110", "address to serve /metrics on", "HOST:PORT")
    flags.flag(
        "config",
        "",
        "web-config file enabling TLS and basic auth, in the format of "
        "Prometheus's exporter-toolkit (tls_server_config, basic_auth_users)",
        "FILE",
    )
    off = ", ".join(sorted(DEFAULT_DISABLED)) or "none"
    flags.flag(
        "collectors-enable",
        "",
        f"collectors to turn on besides the defaults (off by "
        f"default: {off}); all: {', '.join(sorted(COLLECTORS))}",
        "LIST",
    )
    flags.flag("collectors-disable", "", "collectors to turn off", "LIST")
    _filter_flags(flags, "filesystem-mount", "mount points", MOUNT_EXCLUDE)
    _filter_flags(flags, "filesystem-fstype", "filesystem types", FSTYPE_EXCLUDE)
    _filter_flags(flags, "netdev", "network devices", NETDEV_EXCLUDE)
    _filter_flags(flags, "disk", "block devices", DISK_EXCLUDE)
    _filter_flags(flags, "cgroups", "cgroup paths (containers, services)", "")
    flags.flag(
        "cgroups-max",
        "200",
        "containers and services the cgroups collector reports at most (containers first)",
        "N",
    )
    flags.flag(
        "container-sockets",
        ",".join(CONTAINER_SOCKETS),
        "Docker/Podman API sockets read (GET only) for container names and images",
        "LIST",
    )
    flags.flag(
        "filesystem-timeout",
        "5",
        "seconds a filesystem stat may take before the mount "
        "is reported with device_error 1 (a hung network mount)",
        "SECONDS",
    )
    flags.flag(
        "top-processes", "5", "processes the 'top' collector reports by CPU and by memory", "N"
    )
    flags.flag(
        "textfile-directory",
        "",
        "directory of *.prom files the textfile collector exposes (node_exporter's "
        "--collector.textfile.directory)",
        "DIR",
    )
    flags.flag(
        "max-requests", "40", "concurrent scrapes served at most; more get 503 (0: no limit)", "N"
    )
    flags.flag("path-procfs", "/proc", "where the host's procfs is mounted", "PATH")
    flags.flag("path-sysfs", "/sys", "where the host's sysfs is mounted", "PATH")
    flags.flag("path-rootfs", "/", "where the host's root filesystem is mounted", "PATH")
    flags.log_level_flag()
    return flags


def _filter_flags(flags: FlagParser, name: str, what: str, exclude: str) -> None:
    flags.flag(f"{name}-include", "", f"regular expression of {what} to report", "REGEX")
    flags.flag(f"{name}-exclude", exclude, f"regular expression of {what} to skip", "REGEX")


def config_from(args: argparse.Namespace) -> ExporterConfig:
    host, port = parse_listen(args.listen, ConfigError)
    return ExporterConfig(
        listen_host=host,
        listen_port=port,
        collectors=_collectors(args.collectors_enable, args.collectors_disable),
        options=CollectorOptions(
            mounts=compile_filter(
                "filesystem-mount", args.filesystem_mount_include, args.filesystem_mount_exclude
            ),
            fstypes=compile_filter(
                "filesystem-fstype", args.filesystem_fstype_include, args.filesystem_fstype_exclude
            ),
            netdevs=compile_filter("netdev", args.netdev_include, args.netdev_exclude),
            disks=compile_filter("disk", args.disk_include, args.disk_exclude),
            mount_timeout=_number("filesystem-timeout", args.filesystem_timeout, float),
            top_processes=_number("top-processes", args.top_processes, int),
            textfile_directory=args.textfile_directory,
            cgroups=compile_filter("cgroups", args.cgroups_include, args.cgroups_exclude),
            cgroups_max=_number("cgroups-max", args.cgroups_max, int),
            container_sockets=tuple(split_list(args.container_sockets)),
        ),
        host=Host(Path(args.path_procfs), Path(args.path_sysfs), Path(args.path_rootfs)),
        max_requests=_number("max-requests", args.max_requests, int),
        web_config_file=args.config,
    )


def _collectors(enable: str, disable: str) -> frozenset[str]:
    for flag, names in (("collectors-enable", enable), ("collectors-disable", disable)):
        unknown = sorted(set(split_list(names)) - set(COLLECTORS))
        if unknown:
            raise ConfigError(
                f"--{flag}: unknown collector {', '.join(unknown)} "
                f"(known: {', '.join(sorted(COLLECTORS))})"
            )
    return (DEFAULT_ENABLED | set(split_list(enable))) - set(split_list(disable))


def _number(flag: str, value: str, kind: type[Number]) -> Number:
    try:
        number = kind(value)
    except ValueError:
        number = kind(-1)
    if number < 0:
        raise ConfigError(f"--{flag}: {value!r} is not a non-negative {kind.__name__}")
    return number


def serve(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    setup_logging(log_level(args.log_level, ConfigError))
    config = config_from(args)
    web = webconfig.load(config.web_config_file) if config.web_config_file else None
    try:
        server = ExporterServer(
            (config.listen_host, config.listen_port),
            build_registry(config),
            web,
            config.max_requests,
        )
    except OSError as error:
        raise ExporterError(f"cannot listen on {args.listen}: {error.strerror}") from None
    signal.signal(signal.SIGTERM, _stop)
    log.info("serving %d collectors on %s/metrics", len(config.collectors), server.url)
    with server:
        server.serve_forever()
    return 0


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    return run(serve, argv, PROG, (ExporterError,))

"""docker-compose.yml names only commands, flags, variables and ports the programs accept.

No Docker engine is needed: the file is read as Compose reads it (interpolated with
.env.example), and each service's command is checked against its program's own parser.
test_compose_run.py then runs the same commands for real.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from cli.flags import parse_listen
from scraper.config import load
from tests.deploy.files import (
    ROOT,
    Service,
    compose,
    compose_file,
    console_scripts,
    dockerfile,
    dotenv,
    environment_variables,
    program,
    unknown_flags,
)

SERVICES = compose()
HOSTWATCH = [service for service in SERVICES.values() if service.command]
DATABASE_USERS = [s for s in HOSTWATCH if "HOSTWATCH_DATABASE_URL" in s.environment]
WORKDIR = next(i.arguments for i in dockerfile()[-1] if i.keyword == "WORKDIR")


def ids(services: list[Service]) -> list[str]:
    return [service.name for service in services]


def test_the_hostwatch_services_are_migrate_scraper_web_and_exporter() -> None:
    assert ids(HOSTWATCH) == ["migrate", "scraper", "web", "exporter"]


@pytest.mark.parametrize("service", HOSTWATCH, ids=ids(HOSTWATCH))
def test_every_command_is_a_console_script(service: Service) -> None:
    assert service.command[0] in console_scripts()


@pytest.mark.parametrize("service", HOSTWATCH, ids=ids(HOSTWATCH))
def test_every_flag_of_a_command_is_one_its_program_accepts(service: Service) -> None:
    assert unknown_flags(service.command) == set()


@pytest.mark.parametrize("service", HOSTWATCH, ids=ids(HOSTWATCH))
def test_every_flag_value_reaches_its_program_as_written(service: Service) -> None:
    program_name, *words = service.command
    given = {
        flag[2:].replace("-", "_"): value
        for flag, value in itertools.pairwise(words)
        if flag.startswith("--")
    }
    parsed = vars(program(program_name).parse_args(words))

    assert {name: parsed[name] for name in given} == given


@pytest.mark.parametrize("service", HOSTWATCH, ids=ids(HOSTWATCH))
def test_every_hostwatch_variable_is_one_its_program_reads(service: Service) -> None:
    used = {name for name in service.environment if name.startswith("HOSTWATCH_")}

    assert used - environment_variables(service.command[0]) == set()


def test_the_migration_is_the_schema_upgrade() -> None:
    assert SERVICES["migrate"].command == ["hostwatch-scraper", "db", "upgrade"]


@pytest.mark.parametrize("service", DATABASE_USERS, ids=ids(DATABASE_USERS))
def test_the_database_url_is_the_postgres_service_with_its_user_password_and_database(
    service: Service,
) -> None:
    url = make_url(service.environment["HOSTWATCH_DATABASE_URL"])
    postgres = SERVICES["postgres"].environment

    assert (url.host, url.port, url.username, url.password, url.database) == (
        "postgres",
        5432,
        postgres["POSTGRES_USER"],
        dotenv(ROOT / ".env.example")["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )


def test_postgres_is_version_16_on_a_named_volume() -> None:
    postgres = SERVICES["postgres"]

    assert postgres.spec["image"] == "postgres:16"
    assert postgres.volumes == [("pgdata", "/var/lib/postgresql/data")]
    assert "pgdata" in compose_file()["volumes"]


def test_postgres_is_healthy_when_pg_isready_reaches_its_database() -> None:
    postgres = SERVICES["postgres"]
    user, database = postgres.environment["POSTGRES_USER"], postgres.environment["POSTGRES_DB"]

    assert postgres.spec["healthcheck"]["test"] == [
        "CMD",
        "pg_isready",
        "-U",
        user,
        "-d",
        database,
    ]


@pytest.mark.parametrize("service", DATABASE_USERS, ids=ids(DATABASE_USERS))
def test_every_database_user_waits_for_a_healthy_postgres(service: Service) -> None:
    assert service.spec["depends_on"]["postgres"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", ["scraper", "web"])
def test_scraper_and_web_start_after_the_schema_upgrade_succeeded(name: str) -> None:
    depends_on = SERVICES[name].spec["depends_on"]

    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}


def test_the_migration_runs_once() -> None:
    assert SERVICES["migrate"].spec["restart"] == "no"


@pytest.mark.parametrize("name", ["scraper", "web"])
def test_a_published_port_is_the_listen_port_on_the_host_loopback(name: str) -> None:
    service = SERVICES[name]
    _, port = parse_listen(service.flag("listen"), ValueError)

    assert service.spec["ports"] == [f"127.0.0.1:{port}:{port}"]


@pytest.mark.parametrize("name", ["scraper", "web"])
def test_a_published_program_listens_on_every_interface_of_its_container(name: str) -> None:
    host, _ = parse_listen(SERVICES[name].flag("listen"), ValueError)

    assert host == "0.0.0.0"


def test_the_exporter_sees_the_host_through_its_namespaces_and_a_read_only_root() -> None:
    exporter = SERVICES["exporter"]

    assert (exporter.spec["network_mode"], exporter.spec["pid"]) == ("host", "host")
    assert exporter.spec["volumes"] == ["/:/host:ro,rslave"]
    assert "ports" not in exporter.spec  # on the host's network it listens there directly


@pytest.mark.parametrize(
    ("name", "on_the_host"), [("procfs", "/proc"), ("sysfs", "/sys"), ("rootfs", "/")]
)
def test_the_exporter_reads_the_hosts_filesystems_through_the_mount(
    name: str, on_the_host: str
) -> None:
    exporter = SERVICES["exporter"]

    assert exporter.container_path(WORKDIR, exporter.flag(f"path-{name}")) == Path(on_the_host)


def test_the_scrapers_targets_file_is_in_the_mounted_config_directory_and_valid() -> None:
    scraper = SERVICES["scraper"]
    path = scraper.container_path(WORKDIR, scraper.flag("config"))

    assert path == ROOT / "config" / "targets.compose.yml"
    assert [job.job_name for job in load(path).jobs] == ["node"]


def test_the_config_directory_is_mounted_over_the_images_own() -> None:
    assert ("./config", f"{WORKDIR}/config") in SERVICES["scraper"].volumes


def test_the_scraper_resolves_the_host_name_of_the_hosts_exporter() -> None:
    scraper = SERVICES["scraper"]
    (target,) = load(ROOT / "config" / "targets.compose.yml").jobs[0].static_configs[0].targets
    _, port = parse_listen(SERVICES["exporter"].flag("listen"), ValueError)

    assert scraper.spec["extra_hosts"] == ["host.docker.internal:host-gateway"]
    assert target == f"host.docker.internal:{port}"


def test_the_scraper_has_as_long_to_flush_its_buffer_on_stop_as_under_systemd() -> None:
    unit = (ROOT / "deploy" / "hostwatch-scraper.service").read_text()

    assert f"TimeoutStopSec={SERVICES['scraper'].spec['stop_grace_period']}\n" in unit


def test_the_env_file_is_ignored_by_git_and_its_example_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()

    assert ".env" in ignored
    assert ".env.example" not in ignored

"""The Dockerfile: a wheel built in one stage, installed into a slim, non-root final stage.

Read without a Docker engine; the image's commands are checked against pyproject.toml.
"""

from __future__ import annotations

import json
import tomllib

from cli.flags import parse_listen
from tests.deploy.files import ROOT, Instruction, console_scripts, dockerfile, program

BUILD, FINAL = dockerfile()


def arguments(stage: list[Instruction], keyword: str) -> list[str]:
    return [instruction.arguments for instruction in stage if instruction.keyword == keyword]


def copied(stage: list[Instruction]) -> set[str]:
    """The build-context paths the stage's COPY instructions read."""
    return {word for line in arguments(stage, "COPY") for word in line.split()[:-1]}


def test_the_build_stage_and_the_final_stage_start_from_the_same_slim_python() -> None:
    assert arguments(BUILD, "FROM") == ["python:3.11-slim AS build"]
    assert arguments(FINAL, "FROM") == ["python:3.11-slim"]


def test_the_build_stage_copies_every_package_pyproject_builds() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)
    packages = [
        name.rstrip("*") for name in project["tool"]["setuptools"]["packages"]["find"]["include"]
    ]
    assert copied(BUILD) >= {*packages, "pyproject.toml", project["project"]["readme"]}


def test_dockerignore_lets_in_what_the_build_copies() -> None:
    let_in = {
        line[1:]
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }

    assert copied(BUILD) | copied(FINAL) <= let_in


def test_the_final_stage_installs_the_built_wheels_with_the_server_extra_and_no_index() -> None:
    (install,) = [line for line in arguments(FINAL, "RUN") if "pip install" in line]

    assert "--mount=type=bind,from=build,source=/wheels,target=/wheels" in install
    assert install.endswith(
        "pip install --no-cache-dir --no-index --find-links /wheels 'hostwatch[server]'"
    )


def test_the_image_runs_as_an_unprivileged_user() -> None:
    (user,) = arguments(FINAL, "USER")

    (useradd,) = [line for line in arguments(FINAL, "RUN") if line.startswith("useradd ")]

    assert user == "hostwatch"
    assert useradd.startswith("useradd --system --uid 10001 --user-group")
    assert useradd.endswith(" hostwatch")


def test_the_working_directory_holds_what_the_programs_relative_defaults_name() -> None:
    scraper = program("hostwatch-scraper").parse_args([])

    assert scraper.config == "config/targets.yml"
    assert "COPY config config" in [f"COPY {line}" for line in arguments(FINAL, "COPY")]
    assert scraper.database_url == "sqlite:///var/hostwatch.db"
    assert "mkdir var && chown hostwatch:hostwatch var" in arguments(FINAL, "RUN")


def test_the_default_command_is_a_console_script() -> None:
    (command,) = arguments(FINAL, "CMD")

    assert json.loads(command)[0] in console_scripts()


def test_there_is_no_entrypoint_so_any_of_the_three_commands_can_be_run() -> None:
    assert arguments(BUILD + FINAL, "ENTRYPOINT") == []


def test_the_image_exposes_the_default_port_of_each_program() -> None:
    defaults = {
        parse_listen(program(script).parse_args([]).listen, ValueError)[1]
        for script in console_scripts()
    }
    (exposed,) = arguments(FINAL, "EXPOSE")

    assert {int(port) for port in exposed.split()} == defaults

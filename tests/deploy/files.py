"""The deployment files read as the tools that use them read them, and the programs they name.

``compose()`` interpolates docker-compose.yml with .env.example as Compose does with .env;
``dockerfile()`` splits the Dockerfile into stages of instructions; ``program(script)`` is the
argparse parser behind a console script of pyproject.toml; ``running()`` and ``eventually()``
start a program and wait (bounded) for what it should do.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar, cast

import yaml

from cli.flags import FlagParser, env_name

ROOT = Path(__file__).parents[2]
T = TypeVar("T")
_VARIABLE = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def dotenv(path: Path) -> dict[str, str]:
    """``NAME=value`` lines of an env file (comments and blank lines skipped)."""
    lines = (line.strip() for line in path.read_text().splitlines())
    pairs = (line.partition("=") for line in lines if line and not line.startswith("#"))
    return {name: value for name, _, value in pairs}


def interpolate(text: str, env: dict[str, str]) -> str:
    """``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}`` replaced as Compose does."""

    def value(match: re.Match[str]) -> str:
        name, kind, word = match.groups()
        if env.get(name):
            return env[name]
        if kind == "-":
            return str(word)
        raise KeyError(f"{name} is not set: {word}")

    return _VARIABLE.sub(value, text)


@dataclass(frozen=True)
class Service:
    name: str
    spec: dict[str, Any]

    @property
    def command(self) -> list[str]:
        return [str(word) for word in self.spec.get("command", [])]

    @property
    def environment(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.spec.get("environment", {}).items()}

    @property
    def volumes(self) -> list[tuple[str, str]]:
        """(source, target) of each mount; options such as ``:ro`` left off."""
        return [(volume.split(":")[0], volume.split(":")[1]) for volume in self.spec["volumes"]]

    def flag(self, name: str) -> str:
        """The value after ``--name`` in the command."""
        return self.command[self.command.index(f"--{name}") + 1]

    def container_path(self, workdir: str, path: str) -> Path | None:
        """Where ``path`` inside the container is on the host, if a volume mounts it."""
        absolute = PurePosixPath(workdir, path)
        for source, target in self.volumes:
            if absolute.is_relative_to(target):
                return ROOT / source / absolute.relative_to(target)
        return None


def compose_file() -> dict[str, Any]:
    """docker-compose.yml interpolated with the values of .env.example."""
    text = interpolate((ROOT / "docker-compose.yml").read_text(), dotenv(ROOT / ".env.example"))
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def compose() -> dict[str, Service]:
    """docker-compose.yml's services by name."""
    return {name: Service(name, spec) for name, spec in compose_file()["services"].items()}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def dockerfile() -> list[list[Instruction]]:
    """The Dockerfile's stages, each a list of instructions starting with its FROM."""
    text = re.sub(r"\\\n\s*", "", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    stages: list[list[Instruction]] = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append(Instruction(keyword.upper(), arguments.strip()))
    return stages


def console_scripts() -> dict[str, str]:
    """pyproject.toml's ``[project.scripts]``: name to ``module:function``."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        scripts: dict[str, str] = tomllib.load(file)["project"]["scripts"]
    return scripts


def program(script: str) -> FlagParser:
    """The parser of a console script: its module's ``parser()``."""
    module = importlib.import_module(console_scripts()[script].split(":")[0])
    return cast(Callable[[], FlagParser], module.parser)()


def flags(script: str) -> set[str]:
    """Every ``--flag`` the console script accepts."""
    return {option for action in program(script)._actions for option in action.option_strings}


def unknown_flags(command: list[str]) -> set[str]:
    """The ``--flags`` of ``command`` (program first) that its program does not accept."""
    return {word for word in command if word.startswith("-")} - flags(command[0])


def environment_variables(script: str) -> set[str]:
    """Every ``HOSTWATCH_*`` variable the console script reads (one per flag)."""
    builtin = {"--help", "--version"}
    return {env_name(flag[2:]) for flag in flags(script) - builtin if flag.startswith("--")}


@contextmanager
def running(command: list[str], env: dict[str, str], cwd: Path) -> Iterator[None]:
    """``command`` running until the block ends; then SIGTERM, and SIGKILL after 20 s."""
    process = subprocess.Popen(command, env=env, cwd=cwd)
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def eventually(probe: Callable[[], T | None], seconds: float, what: str) -> T:
    """The first result of ``probe`` that is not None, tried every 0.1 s for ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = probe()
        if result is not None:
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")

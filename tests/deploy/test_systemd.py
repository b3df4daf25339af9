"""The systemd units in deploy/: valid for systemd, naming real programs and flags, hardened."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.deploy.files import ROOT, console_scripts, dotenv, environment_variables, unknown_flags

UNITS = sorted((ROOT / "deploy").glob("*.service"))
INSTALLED_BIN = "/opt/hostwatch/venv/bin/"
ENV_FILE = ROOT / "deploy" / "hostwatch.env.example"


def service(unit: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(unit)
    return parser["Service"]


def exec_start(unit: Path) -> list[str]:
    return shlex.split(service(unit)["ExecStart"])


def test_there_is_a_unit_for_each_program() -> None:
    assert [unit.name for unit in UNITS] == [f"{script}.service" for script in console_scripts()]


@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_systemd_analyze_verify_finds_nothing_to_report(unit: Path, tmp_path: Path) -> None:
    systemd_analyze = require_tool("systemd-analyze")
    # verify checks that ExecStart's program exists: point it at this environment's scripts.
    here = unit.read_text().replace(INSTALLED_BIN, f"{Path(sys.executable).parent}/")
    (tmp_path / unit.name).write_text(here)
    result = subprocess.run(
        [systemd_analyze, "verify", str(tmp_path / unit.name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_exec_start_runs_the_units_console_script_from_the_venv(unit: Path) -> None:
    assert exec_start(unit)[0] == INSTALLED_BIN + unit.stem


@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_every_flag_of_exec_start_is_one_the_program_accepts(unit: Path) -> None:
    assert unknown_flags([unit.stem, *exec_start(unit)[1:]]) == set()


@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_every_unit_runs_as_a_dynamic_user_on_a_read_only_system(unit: Path) -> None:
    keys = ("DynamicUser", "ProtectSystem", "NoNewPrivileges", "CapabilityBoundingSet")
    hardening = {key: service(unit).get(key) for key in keys}

    assert hardening == {
        "DynamicUser": "yes",
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
    }


@pytest.mark.parametrize("name", ["hostwatch-scraper", "hostwatch-web"])
def test_scraper_and_web_share_a_user_a_state_directory_and_the_secrets_file(name: str) -> None:
    unit = service(ROOT / "deploy" / f"{name}.service")
    shared = {key: unit[key] for key in ("User", "StateDirectory", "EnvironmentFile")}

    assert shared == {
        "User": "hostwatch",
        "StateDirectory": "hostwatch",
        "EnvironmentFile": "/etc/hostwatch/hostwatch.env",
    }


def test_every_variable_of_the_secrets_file_is_read_by_the_scraper_or_the_web_app() -> None:
    read = environment_variables("hostwatch-scraper") | environment_variables("hostwatch-web")

    assert set(dotenv(ENV_FILE)) - read == set()


def test_the_secrets_file_leaves_out_the_variables_scraper_and_web_read_differently() -> None:
    assert {"HOSTWATCH_LISTEN", "HOSTWATCH_CONFIG"} & set(dotenv(ENV_FILE)) == set()

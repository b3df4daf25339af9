import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cli import __version__
from exporter.cli import config_from, parser
from exporter.collectors import DEFAULT_ENABLED
from exporter.errors import ConfigError
from tests.exporter.certs import make_certificates
from tests.exporter.serving import free_port

EXPORTER = [sys.executable, "-m", "exporter"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EXPORTER, *args], capture_output=True, text=True, timeout=30, env=env, check=False
    )


def test_version_prints_the_program_and_its_version() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"hostwatch-exporter {__version__}")


def test_help_documents_every_flag_with_its_env_var_and_default() -> None:
    help_text = run("--help").stdout
    assert "[env HOSTWATCH_LISTEN; default: '0.0.0.0:9110']" in " ".join(help_text.split())
    for action in parser()._actions:
        flag = action.option_strings[-1]
        if flag not in {"--help", "--version"}:
            env = "HOSTWATCH_" + flag[2:].upper().replace("-", "_")
            assert env in help_text.replace("\n", "").replace(" ", ""), flag


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--listen", "localhost"], "--listen: 'localhost' is not HOST:PORT"),
        (["--collectors-enable", "gpu"], "--collectors-enable: unknown collector gpu"),
        (["--netdev-exclude", "("], "--netdev-exclude: invalid regular expression '('"),
        (["--max-requests", "many"], "--max-requests: 'many' is not a non-negative int"),
        (["--cgroups-max", "-1"], "--cgroups-max: '-1' is not a non-negative int"),
        (["--cgroups-exclude", "[a-"], "--cgroups-exclude: invalid regular expression '[a-'"),
        (["--log-level", "loud"], "--log-level: 'loud' is not one of debug, info"),
        (["--config", "/nonexistent/web.yml"], "web-config /nonexistent/web.yml: cannot read"),
    ],
)
def test_a_bad_flag_is_one_line_on_stderr_and_exit_1(args: list[str], message: str) -> None:
    result = run("--listen", f"127.0.0.1:{free_port()}", *args)
    assert result.returncode == 1
    assert result.stderr.startswith(f"hostwatch-exporter: error: {message}")
    assert result.stderr.count("\n") == 1


def test_an_unknown_flag_is_a_usage_error_on_one_line() -> None:
    result = run("--frobnicate")
    assert result.returncode == 2
    assert result.stderr == "hostwatch-exporter: error: unrecognized arguments: --frobnicate\n"


def test_a_port_in_use_is_reported_plainly() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run("--listen", f"127.0.0.1:{busy.getsockname()[1]}")
    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1:" in result.stderr
    assert "Address already in use" in result.stderr


def test_flags_fall_back_to_their_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTWATCH_LISTEN", "127.0.0.1:9999")
    monkeypatch.setenv("HOSTWATCH_COLLECTORS_DISABLE", "cpu")
    config = config_from(parser().parse_args([]))
    assert (config.listen_host, config.listen_port) == ("127.0.0.1", 9999)
    assert config.collectors == DEFAULT_ENABLED - {"cpu"}


def test_the_top_collector_is_on_by_default_and_processes_is_off() -> None:
    config = config_from(parser().parse_args([]))

    assert ("top" in config.collectors, "processes" in config.collectors) == (True, False)


def test_the_top_collector_can_be_turned_off() -> None:
    config = config_from(parser().parse_args(["--collectors-disable", "top"]))

    assert "top" not in config.collectors


def test_a_flag_wins_over_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTWATCH_LISTEN", "127.0.0.1:9999")
    assert config_from(parser().parse_args(["--listen", ":9200"])).listen_port == 9200


def test_listen_without_host_means_every_interface() -> None:
    assert config_from(parser().parse_args(["--listen", ":9200"])).listen_host == "0.0.0.0"


def test_ipv6_listen_addresses_are_bracketed() -> None:
    assert config_from(parser().parse_args(["--listen", "[::1]:9200"])).listen_host == "::1"


def test_bad_regex_names_its_flag() -> None:
    with pytest.raises(ConfigError, match="--filesystem-mount-include"):
        config_from(parser().parse_args(["--filesystem-mount-include", "[a-"]))


@pytest.mark.slow
def test_the_exporter_serves_metrics_and_stops_cleanly_on_sigterm() -> None:
    port = free_port()
    env = {**os.environ, "HOSTWATCH_LISTEN": f"127.0.0.1:{port}"}
    with subprocess.Popen(EXPORTER, env=env, stderr=subprocess.DEVNULL) as process:
        try:
            body = _get_when_up(f"http://127.0.0.1:{port}/metrics")
        finally:
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=10)
    assert "node_cpu_seconds_total" in body
    assert returncode == 0


def _get_when_up(url: str) -> str:
    deadline = time.monotonic() + 10
    while True:
        try:
            return httpx.get(url).text
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_the_textfile_directory_flag_reaches_the_collector_options(tmp_path: Path) -> None:
    args = parser().parse_args(["--textfile-directory", str(tmp_path)])
    assert config_from(args).options.textfile_directory == str(tmp_path)


def test_a_malformed_bcrypt_hash_stops_the_exporter_at_start_naming_the_user(
    tmp_path: Path,
) -> None:
    config = tmp_path / "web.yml"
    config.write_text("basic_auth_users:\n  prom: $2b$12$short\n")

    result = run("--listen", f"127.0.0.1:{free_port()}", "--config", str(config))

    assert result.returncode == 1
    assert result.stderr.startswith(
        "hostwatch-exporter: error: web-config: basic_auth_users.prom is not a bcrypt hash"
    )
    assert result.stderr.count("\n") == 1


def test_a_min_tls_version_above_the_max_stops_the_exporter_at_start(tmp_path: Path) -> None:
    _, cert, key = make_certificates(tmp_path)
    config = tmp_path / "web.yml"
    config.write_text(
        f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n"
        "  min_version: TLS13\n  max_version: TLS12\n"
    )

    result = run("--listen", f"127.0.0.1:{free_port()}", "--config", str(config))

    assert (result.returncode, result.stderr) == (
        1,
        "hostwatch-exporter: error: web-config: tls_server_config.min_version TLS13 is above "
        "max_version TLS12: no TLS version is left\n",
    )


def test_the_cgroups_flags_reach_the_collector_options() -> None:
    args = ["--cgroups-max", "50", "--cgroups-include", "docker", "--container-sockets", "/a,/b"]
    options = config_from(parser().parse_args(args)).options
    assert (options.cgroups_max, options.container_sockets) == (50, ("/a", "/b"))
    assert options.cgroups.allows("/docker/x")
    assert not options.cgroups.allows("/lxc/x")

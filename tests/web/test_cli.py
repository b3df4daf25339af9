"""hostwatch-web's flags: env fallbacks, defaults in --help, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from web import cli


def test_help_shows_every_flag_with_its_env_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())

    assert "[env HOSTWATCH_LISTEN; default: '127.0.0.1:8080']" in text
    assert "[env HOSTWATCH_DATABASE_URL; default: 'sqlite:///var/hostwatch.db']" in text
    assert "[env HOSTWATCH_CORS_ORIGINS; default: none]" in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--version"])

    assert capsys.readouterr().out.startswith("hostwatch-web 0.")


def test_flags_read_their_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTWATCH_CORS_ORIGINS", "https://a.example, https://b.example")

    args = cli.parser().parse_args([])

    assert cli.settings_from(args, "10.0.0.5").cors_origins == (
        "https://a.example",
        "https://b.example",
    )


def test_query_limits_are_read_from_their_flags() -> None:
    argv = ["--query-timeout", "2.5", "--query-max-samples", "1000", "--query-max-series", "10"]
    args = cli.parser().parse_args(argv)

    limits = cli.settings_from(args, "127.0.0.1").promql

    assert (limits.timeout_s, limits.max_samples, limits.max_series) == (2.5, 1000, 10)


def test_figures_cache_is_read_in_seconds() -> None:
    args = cli.parser().parse_args(["--figures-cache", "2.5"])

    assert cli.settings_from(args, "127.0.0.1").figures_cache_s == 2.5


def test_allowed_hosts_are_local_ones_plus_the_listen_host_plus_the_flag() -> None:
    args = cli.parser().parse_args(["--allowed-hosts", "mon.example"])

    assert cli.settings_from(args, "0.0.0.0").allowed_hosts == (
        "localhost",
        "127.0.0.1",
        "::1",
        "0.0.0.0",
        "mon.example",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--listen", "nowhere"], "--listen: 'nowhere' is not HOST:PORT"),
        (["--log-level", "loud"], "--log-level: 'loud' is not one of"),
        (["--figures-cache", "-1"], "--figures-cache: '-1' is not a number of seconds, 0 or more"),
        (["--figures-cache", "soon"], "--figures-cache: 'soon' is not a number of seconds"),
        (["--query-timeout", "0"], "--query-timeout: '0' must be above 0"),
        (["--query-max-samples", "0"], "--query-max-samples: '0' is not a positive whole number"),
        (["--database-url", "nonsense"], "--database-url: cannot use this URL"),
        (["--database-url", "sqlite:////nonexistent/dir/x.db"], "database unavailable"),
        (["--read-database-url", "nonsense"], "--read-database-url: cannot use this URL"),
        (["--session-secret-file", "/proc/secret"], "--session-secret-file: cannot create"),
        (["--session-max-age", "0"], "--session-max-age: '0' is not a positive whole number"),
    ],
)
def test_bad_flags_are_one_line_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli.main(argv) == 1
    err = capsys.readouterr().err

    assert err.startswith(f"hostwatch-web: error: {message}")
    assert err.count("\n") == 1


def test_a_database_password_never_shows_in_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--database-url", "postgresql://u:s3cret@127.0.0.1:1/x"]) == 1

    assert "s3cret" not in capsys.readouterr().err


def test_help_shows_the_session_flags_and_the_account_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())

    assert "[env HOSTWATCH_SESSION_SECRET_FILE; default: none]" in text
    assert "[env HOSTWATCH_SESSION_MAX_AGE; default: '43200']" in text
    assert "hostwatch-web user add NAME --role ROLE add a user" in text


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.53", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("10.0.0.5", False), ("::", False), ("mon.example", False)],
)  # fmt: skip
def test_only_a_loopback_listen_address_opens_reading_without_users(
    host: str, loopback: bool
) -> None:
    args = cli.parser().parse_args([])

    assert cli.settings_from(args, host).open_without_users is loopback


def test_the_session_secret_is_read_from_its_file(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("s" * 40 + "\n")
    args = cli.parser().parse_args(["--session-secret-file", str(tmp_path / "secret")])

    assert cli.settings_from(args, "127.0.0.1").session_secret == b"s" * 40


def test_without_a_secret_file_each_start_makes_a_new_secret() -> None:
    args = cli.parser().parse_args([])

    assert (
        cli.settings_from(args, "::1").session_secret
        != cli.settings_from(args, "::1").session_secret
    )


def test_a_missing_session_secret_file_is_made_private_and_kept_for_the_next_start(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state" / "secret"
    args = cli.parser().parse_args(["--session-secret-file", str(path)])

    first = cli.settings_from(args, "127.0.0.1").session_secret
    again = cli.settings_from(args, "127.0.0.1").session_secret

    assert (first, len(first) >= cli.SECRET_BYTES) == (again, True)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_short_session_secret_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secret").write_text("short")

    assert cli.main(["--session-secret-file", str(tmp_path / "secret")]) == 1
    assert "holds 5 bytes, fewer than 32" in capsys.readouterr().err

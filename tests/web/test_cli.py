"""hostwatch-web's flags: env fallbacks, defaults in --help, one-line errors."""

from __future__ import annotations

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
        (["--database-url", "nonsense"], "--database-url: cannot use this URL"),
        (["--database-url", "sqlite:////nonexistent/dir/x.db"], "database unavailable"),
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

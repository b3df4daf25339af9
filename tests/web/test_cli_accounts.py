"""hostwatch-web user ... and token ... against a real database; serving off loopback needs
a user."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from model import tokens
from storage import Storage
from web import cli
from web.auth import passwords

SECRET = "a long enough password"


@pytest.fixture
def store(writable_url: str) -> Iterator[Storage]:
    """The database the commands change, opened without upgrading: they create the schema."""
    opened = Storage.open(writable_url)
    yield opened
    opened.close()


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Standard input, filled by the test."""
    fake = io.StringIO()
    monkeypatch.setattr("sys.stdin", fake)
    return fake


def web(url: str, *argv: str, stdin: io.StringIO | None = None, line: str = SECRET) -> int:
    if stdin is not None:
        stdin.seek(0)
        stdin.truncate()
        stdin.write(line + "\n")
        stdin.seek(0)
    return cli.main([*argv, "--database-url", url])


def test_user_add_takes_the_password_from_stdin(
    writable_url: str, stdin: io.StringIO, store: Storage
) -> None:
    assert (
        web(writable_url, "user", "add", "ann", "--role", "admin", "--password-stdin", stdin=stdin)
        == 0
    )

    user = store.user("ann")
    assert user is not None
    assert user.role == "admin"
    assert passwords.matches(SECRET, user.password_hash)


def test_user_add_makes_a_writer_for_remote_write_senders(
    writable_url: str, stdin: io.StringIO, store: Storage
) -> None:
    argv = ("user", "add", "agents", "--role", "writer", "--password-stdin")
    assert web(writable_url, *argv, stdin=stdin) == 0

    assert [(u.name, u.role) for u in store.users()] == [("agents", "writer")]


def test_user_add_asks_twice_and_refuses_two_different_answers(
    writable_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([SECRET, SECRET + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    assert web(writable_url, "user", "add", "ann") == 1
    assert capsys.readouterr().err == "hostwatch-web: error: the two passwords differ\n"


def test_user_add_asks_for_the_password_and_defaults_to_viewer(
    writable_url: str, monkeypatch: pytest.MonkeyPatch, store: Storage
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt: SECRET)

    assert web(writable_url, "user", "add", "ann") == 0
    assert [(u.name, u.role) for u in store.users()] == [("ann", "viewer")]


def test_user_add_refuses_a_short_password(
    writable_url: str, stdin: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        web(writable_url, "user", "add", "ann", "--password-stdin", stdin=stdin, line="short") == 1
    )
    assert "the password needs at least 8 characters" in capsys.readouterr().err


def test_user_add_refuses_a_taken_name(
    writable_url: str, stdin: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    web(writable_url, "user", "add", "ann", "--password-stdin", stdin=stdin)

    assert web(writable_url, "user", "add", "ann", "--password-stdin", stdin=stdin) == 1
    assert capsys.readouterr().err == "hostwatch-web: error: user 'ann' already exists\n"


def test_user_add_refuses_a_name_with_spaces(
    writable_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert web(writable_url, "user", "add", "ann smith") == 1
    assert "NAME: 'ann smith' is not 1 to 64 letters" in capsys.readouterr().err


def test_user_passwd_sets_a_new_password(
    writable_url: str, stdin: io.StringIO, store: Storage
) -> None:
    web(writable_url, "user", "add", "ann", "--password-stdin", stdin=stdin)

    assert (
        web(writable_url, "user", "passwd", "ann", "--password-stdin", stdin=stdin, line="new one!")
        == 0
    )
    user = store.user("ann")
    assert user is not None
    assert passwords.matches("new one!", user.password_hash)


def test_user_passwd_of_nobody_fails_before_asking(
    writable_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert web(writable_url, "user", "passwd", "nobody") == 1
    assert capsys.readouterr().err == "hostwatch-web: error: no user 'nobody'\n"


def test_user_remove_removes_the_user_and_their_tokens(
    writable_url: str, stdin: io.StringIO, store: Storage
) -> None:
    web(writable_url, "user", "add", "ann", "--password-stdin", stdin=stdin)
    web(writable_url, "token", "create", "ann")

    assert web(writable_url, "user", "remove", "ann") == 0
    assert store.users() == []
    assert store.tokens() == []


def test_user_list_shows_names_and_roles(
    writable_url: str, stdin: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    web(writable_url, "user", "add", "bob", "--role", "admin", "--password-stdin", stdin=stdin)
    capsys.readouterr()

    assert web(writable_url, "user", "list") == 0
    assert capsys.readouterr().out.startswith("bob\tadmin\tsince ")


def test_token_create_prints_only_a_working_token(
    writable_url: str, stdin: io.StringIO, store: Storage, capsys: pytest.CaptureFixture[str]
) -> None:
    web(writable_url, "user", "add", "ann", "--password-stdin", stdin=stdin)
    capsys.readouterr()

    assert web(writable_url, "token", "create", "ann", "--token-name", "grafana") == 0
    out, err = capsys.readouterr()
    owner = store.token_owner(tokens.digest(out.strip()))
    assert owner is not None
    assert owner.name == "ann"
    assert out.startswith("hw_")
    assert err == "API token 1 for 'ann'; shown only this once:\n"


def test_token_list_shows_no_token(
    writable_url: str, stdin: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    web(writable_url, "user", "add", "ann", "--password-stdin", stdin=stdin)
    web(writable_url, "token", "create", "ann", "--token-name", "grafana")
    token = capsys.readouterr().out.strip()

    assert web(writable_url, "token", "list", "ann") == 0
    listed = capsys.readouterr().out
    assert listed.startswith("1\tann\tgrafana\t")
    assert token not in listed


def test_token_revoke_stops_the_token(
    writable_url: str, stdin: io.StringIO, store: Storage, capsys: pytest.CaptureFixture[str]
) -> None:
    web(writable_url, "user", "add", "ann", "--password-stdin", stdin=stdin)
    web(writable_url, "token", "create", "ann")
    token = capsys.readouterr().out.strip()

    assert web(writable_url, "token", "revoke", "1") == 0
    assert store.token_owner(tokens.digest(token)) is None


def test_token_revoke_of_an_unknown_id_is_an_error(
    writable_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert web(writable_url, "token", "revoke", "7") == 1
    assert capsys.readouterr().err == "hostwatch-web: error: no token 7\n"


def test_an_unknown_command_is_named(writable_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert web(writable_url, "user", "promote", "ann") == 1
    assert "unknown command 'user promote'" in capsys.readouterr().err


def test_serving_off_loopback_without_a_user_is_refused_in_one_line(
    writable_url: str, store: Storage, capsys: pytest.CaptureFixture[str]
) -> None:
    store.upgrade()

    assert web(writable_url, "--listen", "0.0.0.0:8080") == 1
    err = capsys.readouterr().err
    assert err == (
        "hostwatch-web: error: --listen 0.0.0.0:8080 is not a loopback address and no user "
        "exists: create one with hostwatch-web user add NAME --role admin\n"
    )

"""``hostwatch-web user ...`` and ``hostwatch-web token ...``: accounts from the command line.

Passwords come from a prompt (asked twice) or, for scripts, from the first line of standard
input with --password-stdin; never from the command line, where ``ps`` and shell history
would show them. A new token is the only thing printed on standard output.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from collections.abc import Callable, Sequence

from model import tokens
from model.errors import AccountError
from storage import Storage
from web.auth import passwords
from web.http.errors import BadParameter, PasswordRefused
from web.views.units import rfc3339

Command = Callable[[Storage, Sequence[str], argparse.Namespace], None]
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")


def password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first, second = getpass.getpass("Password: "), getpass.getpass("Password again: ")
    if first != second:
        raise PasswordRefused("the two passwords differ")
    return first


def user_add(store: Storage, operands: Sequence[str], args: argparse.Namespace) -> None:
    name = _user_name(_one(operands, "user add NAME --role viewer|writer|admin"))
    store.add_user(name, args.role, passwords.hashed(password(args.password_stdin)))
    print(f"added user {name!r} with the {args.role} role")


def user_passwd(store: Storage, operands: Sequence[str], args: argparse.Namespace) -> None:
    name = _one(operands, "user passwd NAME")
    if store.user(name) is None:
        raise AccountError(f"no user {name!r}")  # before asking for a password in vain
    store.set_password(name, passwords.hashed(password(args.password_stdin)))
    print(f"changed the password of {name!r}; their sessions have ended")


def user_remove(store: Storage, operands: Sequence[str], args: argparse.Namespace) -> None:
    name = _one(operands, "user remove NAME")
    store.remove_user(name)
    print(f"removed user {name!r} and their API tokens")


def user_list(store: Storage, operands: Sequence[str], args: argparse.Namespace) -> None:
    _none(operands, "user list")
    for user in store.users():
        print(f"{user.name}\t{user.role}\tsince {rfc3339(user.created_ms)}")


def token_create(store: Storage, operands: Sequence[str], args: argparse.Namespace) -> None:
    user, token = _one(operands, "token create USER [--token-name NAME]"), tokens.new()
    created = store.add_token(user, args.token_name, tokens.digest(token))
    print(f"API token {created.id} for {user!r}; shown only this once:", file=sys.stderr)
    print(token)


def token_list(store: Storage, operands: Sequence[str], args: argparse.Namespace) -> None:
    if len(operands) > 1:
        raise _usage("token list [USER]")
    for token in store.tokens(operands[0] if operands else None):
        print(f"{token.id}\t{token.user}\t{token.name}\t{rfc3339(token.created_ms)}")


def token_revoke(store: Storage, operands: Sequence[str], args: argparse.Namespace) -> None:
    token_id = _one(operands, "token revoke ID")
    if not token_id.isdigit():
        raise BadParameter("ID", f"{token_id!r} is not a token ID (see token list)")
    store.revoke_token(int(token_id))
    print(f"revoked API token {token_id}")


COMMANDS: dict[str, Command] = {
    "user add": user_add,
    "user passwd": user_passwd,
    "user remove": user_remove,
    "user list": user_list,
    "token create": token_create,
    "token list": token_list,
    "token revoke": token_revoke,
}


def _one(operands: Sequence[str], usage: str) -> str:
    if len(operands) != 1:
        raise _usage(usage)
    return operands[0]


def _none(operands: Sequence[str], usage: str) -> None:
    if operands:
        raise _usage(usage)


def _usage(usage: str) -> BadParameter:
    return BadParameter("usage", f"hostwatch-web {usage}")


def _user_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise BadParameter("NAME", f"{name!r} is not 1 to 64 letters, digits and _.@-")
    return name

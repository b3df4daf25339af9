"""Users and their API tokens: rows only. Hashing, sessions and HTTP live in web/auth/."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import Connection, Row, Select, delete, func, insert, select, update

from model.errors import AccountError
from storage import schema

Role = Literal["viewer", "writer", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "writer", "admin")  # writer: remote write senders only


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role
    password_hash: str
    created_ms: int


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A token's public facts; its digest stays in the database."""

    id: int
    user: str
    name: str
    created_ms: int


def add_user(conn: Connection, name: str, role: Role, password_hash: str, now_ms: int) -> User:
    if find_user(conn, name) is not None:
        raise AccountError(f"user {name!r} already exists")
    values = {"name": name, "role": role, "password_hash": password_hash, "created_ms": now_ms}
    conn.execute(insert(schema.users).values(values))
    return existing_user(conn, name)


def find_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(schema.users).where(schema.users.c.name == name)).first()
    return _user(row) if row else None


def user_by_id(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(select(schema.users).where(schema.users.c.id == user_id)).first()
    return _user(row) if row else None


def existing_user(conn: Connection, name: str) -> User:
    found = find_user(conn, name)
    if found is None:
        raise AccountError(f"no user {name!r}")
    return found


def users(conn: Connection) -> list[User]:
    return [_user(row) for row in conn.execute(select(schema.users).order_by(schema.users.c.name))]


def any_user(conn: Connection) -> bool:
    return bool(conn.scalar(select(func.count()).select_from(schema.users)))


def set_password(conn: Connection, name: str, password_hash: str) -> None:
    user = existing_user(conn, name)
    table = schema.users
    conn.execute(update(table).where(table.c.id == user.id).values(password_hash=password_hash))


def remove_user(conn: Connection, name: str) -> None:
    user = existing_user(conn, name)
    # SQLite enforces no foreign keys unless asked per connection: delete the tokens explicitly.
    conn.execute(delete(schema.api_tokens).where(schema.api_tokens.c.user_id == user.id))
    conn.execute(delete(schema.users).where(schema.users.c.id == user.id))


def add_token(conn: Connection, user: str, name: str, digest: str, now_ms: int) -> ApiToken:
    owner = existing_user(conn, user)
    values = {"user_id": owner.id, "name": name, "digest": digest, "created_ms": now_ms}
    table = schema.api_tokens
    token_id = conn.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
    return ApiToken(int(token_id), owner.name, name, now_ms)


def tokens(conn: Connection, user: str | None) -> list[ApiToken]:
    """Every token, or only ``user``'s, oldest first."""
    query = _tokens(user).order_by(schema.api_tokens.c.id)
    return [ApiToken(*row) for row in conn.execute(query)]


def token_owner(conn: Connection, digest: str) -> User | None:
    table = schema.api_tokens
    query = select(schema.users).join(table, table.c.user_id == schema.users.c.id)
    row = conn.execute(query.where(table.c.digest == digest)).first()
    return _user(row) if row else None


def revoke_token(conn: Connection, token_id: int, user: str | None) -> None:
    """Delete the token (only if it is ``user``'s, when given): it stops working at once."""
    if conn.execute(_tokens(user).where(schema.api_tokens.c.id == token_id)).first() is None:
        raise AccountError(f"no token {token_id}" + (f" of user {user!r}" if user else ""))
    conn.execute(delete(schema.api_tokens).where(schema.api_tokens.c.id == token_id))


def _tokens(user: str | None) -> Select[Any]:
    table, owners = schema.api_tokens, schema.users
    query = select(table.c.id, owners.c.name, table.c.name, table.c.created_ms).join(
        owners, table.c.user_id == owners.c.id
    )
    return query if user is None else query.where(owners.c.name == user)


def _user(row: Row[Any]) -> User:
    values = dict(row._mapping)
    values["role"] = cast(Role, values["role"])
    return User(**values)

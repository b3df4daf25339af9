"""Users and API tokens in the database: found by name, id or token digest; removed cleanly."""

from __future__ import annotations

import pytest

from model.errors import AccountError
from storage import Storage
from tests.storage.builders import NOW


def test_a_user_is_found_by_name_and_by_id(store: Storage) -> None:
    added = store.add_user("ann", "admin", "$2b$hash")

    assert store.user("ann") == added
    assert store.user_by_id(added.id) == added
    assert (added.name, added.role, added.password_hash, added.created_ms) == (
        "ann",
        "admin",
        "$2b$hash",
        NOW,
    )


def test_a_taken_name_is_refused(store: Storage) -> None:
    store.add_user("ann", "viewer", "h")

    with pytest.raises(AccountError, match="user 'ann' already exists"):
        store.add_user("ann", "admin", "h")


def test_users_are_listed_by_name(store: Storage) -> None:
    for name in ("carl", "ann", "bob"):
        store.add_user(name, "viewer", "h")

    assert [u.name for u in store.users()] == ["ann", "bob", "carl"]


def test_has_users_is_false_only_for_an_empty_table(store: Storage) -> None:
    assert not store.has_users()
    store.add_user("ann", "viewer", "h")

    assert store.has_users()


def test_a_new_password_replaces_the_hash(store: Storage) -> None:
    store.add_user("ann", "viewer", "old")

    store.set_password("ann", "new")

    assert getattr(store.user("ann"), "password_hash", None) == "new"


def test_a_token_is_found_by_its_digest(store: Storage) -> None:
    ann = store.add_user("ann", "viewer", "h")

    token = store.add_token("ann", "grafana", "digest-1")

    assert store.token_owner("digest-1") == ann
    assert store.token_owner("digest-2") is None
    assert store.tokens() == [token]
    assert (token.user, token.name, token.created_ms) == ("ann", "grafana", NOW)


def test_a_token_for_nobody_is_refused(store: Storage) -> None:
    with pytest.raises(AccountError, match="no user 'nobody'"):
        store.add_token("nobody", "x", "d")


def test_removing_a_user_removes_their_tokens_only(store: Storage) -> None:
    for name in ("ann", "bob"):
        store.add_user(name, "viewer", "h")
        store.add_token(name, "t", f"digest-{name}")

    store.remove_user("ann")

    assert [t.user for t in store.tokens()] == ["bob"]
    assert store.token_owner("digest-ann") is None


def test_a_user_revokes_only_their_own_tokens(store: Storage) -> None:
    for name in ("ann", "bob"):
        store.add_user(name, "viewer", "h")
    bobs = store.add_token("bob", "t", "digest-bob")

    with pytest.raises(AccountError, match=f"no token {bobs.id} of user 'ann'"):
        store.revoke_token(bobs.id, "ann")
    store.revoke_token(bobs.id, "bob")

    assert store.tokens() == []

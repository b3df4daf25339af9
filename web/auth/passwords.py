"""Passwords as bcrypt hashes; a check costs one bcrypt run whether or not the user exists."""

from __future__ import annotations

import bcrypt

from web.http.errors import PasswordRefused

ROUNDS = 12
MIN_LENGTH = 8
# bcrypt reads at most 72 bytes (bcrypt 5 refuses longer input instead of cutting it).
MAX_BYTES = 72
# Checked when there is no such user: a hash of ROUNDS of random bytes nobody kept. Fixed in
# the source so the first such login does not also pay for making it.
STAND_IN = "$2b$12$zNZHcWbJkvNRyGp/epHwxuI9rwy6iOOZOan1uLVfey8jUXPo21j/2"


def hashed(password: str, rounds: int = ROUNDS) -> str:
    return bcrypt.hashpw(acceptable(password).encode(), bcrypt.gensalt(rounds)).decode()


def acceptable(password: str) -> str:
    """``password`` if it may be set, else PasswordRefused saying why."""
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"the password needs at least {MIN_LENGTH} characters")
    if len(password.encode()) > MAX_BYTES:
        raise PasswordRefused(f"the password may have at most {MAX_BYTES} bytes (bcrypt's limit)")
    return password


def matches(password: str, stored_hash: str | None) -> bool:
    """Whether ``password`` is the one hashed; with no hash (no such user) a stand-in is
    checked, so the answer takes as long as a wrong password does."""
    given = password.encode()
    correct = bcrypt.checkpw(given[:MAX_BYTES], (stored_hash or STAND_IN).encode())
    return correct and stored_hash is not None and len(given) <= MAX_BYTES

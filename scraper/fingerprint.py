"""A stable 64-bit hash for the scraper's schedules, shards and alert fingerprints (Python's
``hash`` changes between runs; a target's offset, its shard and an alert's id must not)."""

from __future__ import annotations

import hashlib


def fingerprint(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")

"""A scrape target's address, ``host:port``: the one syntax targets.yml, file_sd and the API
(servers registered at run time) accept."""

from __future__ import annotations

import json
import re

ADDRESS_SYNTAX = "host:port like 10.0.0.5:9100 or [::1]:9100"
_HOST = re.compile(r"\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9_.-]+")


def address_problem(value: str) -> str:
    """What is wrong with ``value`` as a target address, or ""."""
    host, _, port = value.rpartition(":")
    quoted = json.dumps(value, ensure_ascii=False)
    if not (_HOST.fullmatch(host) and port.isdigit()):
        return f"expected {ADDRESS_SYNTAX}, got {quoted}"
    if not 1 <= int(port) <= 65535:
        return f"port must be 1-65535, got {quoted}"
    return ""

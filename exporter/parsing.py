"""Parsers of the kernel's text formats that several collectors share.

Each returns strings: the caller knows whether a column is decimal, hexadecimal or a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def pairs(text: str) -> dict[str, str]:
    """``key value`` per line (/proc/vmstat, /proc/net/snmp6), whatever whitespace between."""
    found = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2:
            found[words[0]] = words[1]
    return found


def word_pairs(words: Iterable[str]) -> dict[str, str]:
    """``inuse 13 orphan 0`` as {inuse: 13, orphan: 0} (the lines of /proc/net/sockstat)."""
    items = list(words)
    return dict(zip(items[::2], items[1::2], strict=False))


def assignments(words: Iterable[str]) -> dict[str, str]:
    """``avg10=4.53 total=21135881`` as {avg10: 4.53, total: 21135881} (/proc/pressure/*)."""
    return dict(word.partition("=")[::2] for word in words if "=" in word)


def header_tables(text: str) -> Iterator[tuple[str, str, str]]:
    """(protocol, field, value) from /proc/net/netstat and /proc/net/snmp.

    These files come in line pairs, ``Tcp: RtoMin RtoMax`` then ``Tcp: 200 120000``: the first
    names the columns of the second.
    """
    lines = text.splitlines()
    for header, values in zip(lines[::2], lines[1::2], strict=False):
        protocol, *fields = header.split()
        for field, value in zip(fields, values.split()[1:], strict=False):
            yield protocol.rstrip(":"), field, value


def rows(text: str, skip: int = 1) -> Iterator[list[str]]:
    """The whitespace-separated columns of each line after ``skip`` header lines."""
    for line in text.splitlines()[skip:]:
        if line.strip():
            yield line.split()


def unescape(field: str) -> str:
    """A /proc/mounts field with the kernel's octal escapes (``\\040`` is a space) decoded."""
    return _OCTAL_ESCAPE.sub(lambda match: chr(int(match[1], 8)), field)

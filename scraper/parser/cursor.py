"""A read position in one line, for the careful path: every failure names the line and what was
expected there."""

from __future__ import annotations

import re
from typing import NoReturn

from model.errors import ParseError

_QUOTED = re.compile(r'"([^"\\]*+(?:\\.[^"\\]*+)*+)"')
_SHOWN = 24


def quote(text: str) -> str:
    """`text` quoted for an error message, cut short: a message stays one readable line."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


class Cursor:
    """Reads tokens left to right from ``text`` (one line, without its newline)."""

    __slots__ = ("line", "pos", "text")

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line
        self.pos = 0

    def fail(self, message: str) -> NoReturn:
        raise ParseError(self.line, message)

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        """The next character, or "" at the end of the line."""
        return self.text[self.pos : self.pos + 1]

    def rest(self) -> str:
        """What is left, shortened for an error message."""
        left = self.text[self.pos :]
        return quote(left) if left else "end of line"

    def skip(self, chars: str) -> int:
        """Moves past any run of `chars`; returns how many characters that was."""
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in chars:
            self.pos += 1
        return self.pos - start

    def accept(self, char: str) -> bool:
        """Moves past `char` if it is next."""
        if self.peek() != char:
            return False
        self.pos += 1
        return True

    def expect(self, char: str, where: str) -> None:
        if not self.accept(char):
            self.fail(f"expected {char!r} {where}, got {self.rest()}")

    def take(self, pattern: re.Pattern[str], what: str) -> str:
        """The text `pattern` matches here (it must match something)."""
        match = pattern.match(self.text, self.pos)
        if match is None or not match[0]:
            self.fail(f"expected {what}, got {self.rest()}")
        self.pos = match.end()
        return match[0]

    def until(self, stops: str) -> str:
        """The text up to the first of `stops` or the end of the line, possibly empty."""
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            self.pos += 1
        return self.text[start : self.pos]

    def quoted(self, what: str) -> str:
        """A double-quoted string, still escaped, without its quotes."""
        if self.peek() != '"':
            self.fail(f"expected '\"' to open {what}, got {self.rest()}")
        match = _QUOTED.match(self.text, self.pos)
        if match is None:
            self.fail(f"{what} has no closing '\"'")
        self.pos = match.end()
        return match[1]

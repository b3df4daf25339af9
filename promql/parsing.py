"""PromQL text to an AST, by promql-parser (bindings of GreptimeTeam's Rust parser).

The parser answers a malformed query with a ValueError whose message says what is wrong; it
becomes PromQLError ("bad_data"), as Prometheus answers a parse error.
"""

from __future__ import annotations

import re
from datetime import timedelta

import promql_parser as ast

from model.errors import PromQLError

MAX_QUERY_LENGTH = 64 * 1024


def parse(query: str) -> ast.Expr:
    if not query.strip():
        raise PromQLError("empty query")
    if len(query) > MAX_QUERY_LENGTH:
        raise PromQLError(f"the query is {len(query)} characters; at most {MAX_QUERY_LENGTH}")
    _check_at_times(query)
    try:
        return ast.parse(query)
    except ValueError as error:
        raise PromQLError(f"parse error: {error}") from error


# String literals and comments, where an "@" is only text.
_LITERALS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`|#[^\n]*')
_AT = re.compile(r"@\s*([+-]?(?:0x[0-9a-f]+|inf|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))", re.I)
LAST_AT_S = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second a time may name


def _check_at_times(query: str) -> None:
    """Refuse an ``@`` time before 1970 or after 9999 before the parser sees it: its Rust side
    panics converting a time before 1970, and clamps a huge one to another time."""
    text = _LITERALS.sub(lambda found: " " * len(found[0]), query)
    for found in _AT.finditer(text):
        number = found[1].lower()
        hexadecimal = number.lstrip("+-").startswith("0x")
        value = float(int(number, 16)) if hexadecimal else float(number)
        if not 0 <= value <= LAST_AT_S:  # NaN fails this too
            raise PromQLError(
                f"timestamp out of bounds for @ modifier: {found[1]} "
                "(hostwatch takes times from 1970 to 9999)"
            )


def ms(delta: timedelta | None) -> int:
    return 0 if delta is None else round(delta / timedelta(milliseconds=1))


def duration_ms(text: str) -> int:
    """A Prometheus duration ("5m", "1h30m") or a number of seconds ("90", "0.5") in ms."""
    try:
        return round(float(text) * 1000)
    except ValueError:
        pass
    try:
        return ms(ast.parse_duration(text))
    except ValueError as error:
        raise PromQLError(f"cannot parse {text!r} to a valid duration") from error


_QUOTED = re.compile(r"'([^']+)'|: (\S+)$")
_END = ("end of input", "unexpected end")


def error_offset(text: str, message: str) -> int:
    """Where in ``text`` (which holds the query, perhaps quoted or indented as in a YAML file)
    the parser's ``message`` points. promql-parser reports no position, so it is read from the
    message: the token it quotes, the parenthesis left open, or the end; else the start."""
    quoted = _QUOTED.search(message)
    if quoted is not None:
        token = re.escape(quoted[1] or quoted[2])
        found = re.search(rf"(?<![\w:.]){token}(?![\w:])", text) or re.search(token, text)
        if found is not None:
            return found.start()
    if "unclosed left parenthesis" in message:
        return _unclosed(text)
    if any(end in message for end in _END):
        return len(text.rstrip())
    return len(text) - len(text.lstrip())


def _unclosed(text: str) -> int:
    """The offset of the first "(" that no ")" closes (strings skipped)."""
    open_at: list[int] = []
    quote = ""
    for offset, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[offset - 1] != "\\" else quote
        elif char in "\"'`":
            quote = char
        elif char == "(":
            open_at.append(offset)
        elif char == ")" and open_at:
            open_at.pop()
    return open_at[0] if open_at else len(text.rstrip())

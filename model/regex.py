"""Regular expressions from outside (API and silence matchers, alert rules and routes), run by
RE2: matching takes time linear in the text whatever the pattern, where Python's backtracking
``re`` took hours on ``(.*.*.*)*X`` against a 15-character value while holding the GIL.

The syntax is RE2's, which is Prometheus's (Go's regexp is RE2). A pattern is anchored at both
ends as Prometheus anchors it (``^(?:re)$``: the whole value must match), and ``.`` also
matches a newline, as it did here before. What RE2 refuses (look-arounds, back-references), a
pattern over :data:`MAX_LENGTH` characters, or one whose program needs over :data:`MAX_MEMORY`
bytes raises QueryError.
"""

from __future__ import annotations

import functools

import re2

from model.errors import QueryError

MAX_LENGTH = 4096
"""Characters in one pattern: room for an alternation of a few hundred host names."""
MAX_MEMORY = 8 << 20
"""Bytes RE2 may use for one compiled program (its own default), so no pattern is huge."""
_SPECIAL = frozenset("\\.+*?()[]{}^$")
"""Outside these (and ``|``), a pattern stands for its own characters."""
_OPTIONS = re2.Options()
_OPTIONS.dot_nl = True
_OPTIONS.never_capture = True
_OPTIONS.log_errors = False
_OPTIONS.max_mem = MAX_MEMORY


class Regex:
    """One compiled pattern; ``matches`` is True when the whole text matches.

    A pattern of plain words joined by ``|`` (``user|system``, the common case) is matched as a
    set of strings, exactly what RE2 would answer, without crossing into C++ for each value.
    """

    __slots__ = ("_literals", "_program", "pattern")

    def __init__(self, pattern: str) -> None:
        if len(pattern) > MAX_LENGTH:
            raise QueryError(
                f"regular expression of {len(pattern):,} characters, over {MAX_LENGTH:,}"
            )
        self.pattern = pattern
        self._program = _compile(pattern)
        plain = not _SPECIAL.intersection(pattern)
        self._literals = frozenset(pattern.split("|")) if plain else None

    def matches(self, text: str) -> bool:
        if self._literals is not None:
            return text in self._literals
        return self._program.fullmatch(text.encode("utf-8", "surrogatepass")) is not None

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"


@functools.lru_cache(maxsize=1024)
def compiled(pattern: str) -> Regex:
    """The :class:`Regex` of ``pattern``, shared: the same matchers come back request after
    request and scrape after scrape."""
    return Regex(pattern)


def _compile(pattern: str) -> re2._Regexp[bytes]:
    # Anchored by matching with RE2's ANCHOR_BOTH (fullmatch), the same as ^(?:re)$ without
    # text around the pattern that its own parentheses could close.
    try:
        return re2.compile(pattern.encode("utf-8", "surrogatepass"), _OPTIONS)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise QueryError(f"invalid regular expression {pattern!r}: {reason}") from None

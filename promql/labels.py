"""label_replace and label_join, with Go's regexp template expansion ($1, ${name}, $$)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import re2

from model.errors import PromQLError
from promql.aggregations import LABEL_NAME
from promql.binops import CLASH, merged
from promql.values import Series, Vector, get, with_label

# After "$": "$", "{name}", or a name (letters, digits, underscores: the longest run, as Go).
_REFERENCE = re.compile(r"\$(?:(\$)|\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))")
_OPTIONS = re2.Options()
_OPTIONS.dot_nl = True
_OPTIONS.log_errors = False


def _checked_name(name: str) -> str:
    if not LABEL_NAME.fullmatch(name):
        raise PromQLError(f"invalid destination label name in label_replace(): {name!r}")
    return name


def replace(vector: Vector, dst: str, replacement: str, src: str, regex: str) -> Vector:
    _checked_name(dst)
    try:
        pattern = re2.compile(f"^(?:{regex})$", _OPTIONS)
    except re2.error as error:
        raise PromQLError(f"invalid regular expression in label_replace(): {regex!r}") from error
    out = []
    for series in vector:
        found = pattern.search(get(series.labels, src))
        if found is None:
            out.append(series)
            continue
        value = expand(replacement, found, pattern.groupindex)
        out.append(Series(with_label(series.labels, dst, value), series.values, series.present))
    return merged(out, CLASH)


def expand(template: str, found: re2._Match[str], names: dict[str, int]) -> str:
    """Go's Regexp.ExpandString: an unknown group reads as the empty string."""

    def reference(ref: re.Match[str]) -> str:
        if ref.group(1):
            return "$"
        name = ref.group(2) or ref.group(3)
        index = int(name) if name.isdigit() else names.get(name)
        if index is None:
            return ""
        try:
            return found.group(index) or ""
        except IndexError:
            return ""

    return _REFERENCE.sub(reference, template)


def join(vector: Vector, dst: str, separator: str, sources: Sequence[str]) -> Vector:
    _checked_name(dst)
    out = []
    for series in vector:
        value = separator.join(get(series.labels, src) for src in sources)
        out.append(Series(with_label(series.labels, dst, value), series.values, series.present))
    return merged(out, CLASH)

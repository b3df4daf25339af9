"""The fast path: one sample line split with str methods, for the shapes real exporters write.

``name value``, ``name{a="x",b="y"} value`` and either with a timestamp, one space apart, with
no backslash anywhere. Anything else returns None and goes to the careful path
(:mod:`scraper.parser.reference`), which is the specification this path must agree with: a line is
accepted here only when the careful path would read the very same sample from it.

Hot code: names and values are looked up in dicts before anything is called.
"""

from __future__ import annotations

from scraper.parser import number
from scraper.parser.dialect import Dialect
from scraper.parser.names import Names
from scraper.samples import Labels, Sample

_new_sample = tuple.__new__


class Shortcut:
    """Reads the common sample lines of one body."""

    __slots__ = ("_label_names", "_metric_names", "_names", "_timestamp_ms", "_values")

    def __init__(self, dialect: Dialect, names: Names) -> None:
        self._names = names
        self._metric_names = names.metrics
        self._label_names = names.labels
        self._timestamp_ms = dialect.timestamp_ms
        self._values: dict[str, float] = {}
        """Value text -> float: a body repeats "0" and "1" a lot; it lives as long as the body."""

    def sample(self, line: str) -> Sample | None:
        if "\\" in line:
            return None
        brace = line.find("{")
        labels: Labels | None = ()
        if brace < 0:
            name, _, rest = line.partition(" ")
        else:
            close = line.rfind("}")
            if close < brace or line[close + 1 : close + 2] != " ":
                return None
            name = line[:brace]
            if close > brace + 1:
                labels = self.labels(line[brace + 1 : close])
            rest = line[close + 2 :]
        known = self._metric_names.get(name) or self._names.metric(name)
        if known is None or labels is None:
            return None
        value_text, space, stamp = rest.partition(" ")
        value = self._values.get(value_text)
        if value is None:
            value = self._learn_value(value_text)
            if value is None:
                return None
        if not space:
            return _new_sample(Sample, (known, labels, value, None))
        timestamp = self._timestamp_ms(stamp)
        return None if timestamp is None else _new_sample(Sample, (known, labels, value, timestamp))

    def labels(self, text: str) -> Labels | None:
        """``a="x",b="y"`` (between the braces) as pairs, if it has exactly that shape."""
        if text[-1:] != '"':
            return None
        names = self._label_names
        pairs = []
        for pair in text[:-1].split('",'):
            name, equals, value = pair.partition('="')
            known = names.get(name) or self._names.label(name)
            if known is None or not equals:
                return None
            pairs.append((known, value))
        # Each pair brings two quotes; any other quote means a value holds one, so the split
        # above cut in the wrong place. The careful path will say what is wrong.
        if text.count('"') != 2 * len(pairs) or not _distinct(pairs):
            return None
        return tuple(pairs)

    def _learn_value(self, text: str) -> float | None:
        value = number.value(text)
        if value is not None:
            self._values[text] = value
        return value


def _distinct(pairs: list[tuple[str, str]]) -> bool:
    """No label name twice; one or two labels (most samples) need no set."""
    if len(pairs) <= 2:
        return pairs[0][0] != pairs[-1][0] or len(pairs) == 1
    return len(dict(pairs)) == len(pairs)

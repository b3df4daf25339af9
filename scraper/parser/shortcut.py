"""The fast path: one sample line split with str methods, for the shapes real exporters write.

``name value``, ``name{a="x",b="y"} value`` and either with a timestamp, one space apart, with
no backslash anywhere. Anything else returns None and goes to the careful path
(:mod:`scraper.parser.reference`), which is the specification this path must agree with: a line is
accepted here only when the careful path would read the very same sample from it.

Hot code: names and values are looked up in dicts before anything is called.
"""

from __future__ import annotations

from model.samples import Labels, Sample
from scraper.parser import number
from scraper.parser.cache import ScrapeCache
from scraper.parser.dialect import Dialect
from scraper.parser.names import Names

_new_sample = tuple.__new__
MAX_NUMBERS = 4096
"""Value and timestamp texts remembered: one parser reads a whole backfill file, whose ever-new
values must not grow a dict without end."""


class Shortcut:
    """Reads the common sample lines of one body."""

    __slots__ = (
        "_cache",
        "_label_names",
        "_label_sets",
        "_metric_names",
        "_names",
        "_series",
        "_timestamp_ms",
        "_timestamps",
        "_values",
    )

    def __init__(self, dialect: Dialect, names: Names, cache: ScrapeCache) -> None:
        self._names = names
        self._metric_names = names.metrics
        self._label_names = names.labels
        self._timestamp_ms = dialect.timestamp_ms
        # Label sets repeat even within one body (node_exporter's 303 labelled samples have 99
        # distinct label sets), and between scrapes (see ScrapeCache). Values repeat within a
        # body ("0", "1"), so that cache lives as long as the body. Both hold checked text only.
        self._cache = cache
        self._label_sets = cache.label_sets
        self._series = cache.series
        self._values: dict[str, float] = {}
        # Timestamps repeat too: every sample of one scrape in a backfill file carries its own.
        self._timestamps: dict[str, int] = {}

    def sample(self, line: str) -> Sample | None:
        # A series (the text before the value) this path read before, in this scrape or an
        # earlier one, needs only its value read: the rest of the line is the same text.
        series, _, last = line.rpartition(" ")
        known = self._series.get(series)
        if known is not None:
            value = self._values.get(last)
            if value is None:
                value = self._learn_value(last)
            if value is not None:
                return _new_sample(Sample, (known[0], known[1], value, None))
        elif series[-1:] != "}":
            # Keys end in "}" or are a bare name, so this may be a known series with a
            # timestamp after its value (every line of a backfill file).
            head, _, middle = series.rpartition(" ")
            known = self._series.get(head)
            if known is not None:
                value = self._values.get(middle)
                if value is None:
                    value = self._learn_value(middle)
                timestamp = self._timestamps.get(last)
                if timestamp is None:
                    timestamp = self._learn_timestamp(last)
                if value is not None and timestamp is not None:
                    return _new_sample(Sample, (known[0], known[1], value, timestamp))
        return self._read(line, series)

    def _read(self, line: str, series: str) -> Sample | None:
        if "\\" in line:
            return None
        head, closing, rest = line.rpartition("}")
        if closing:
            name, opening, inside = head.partition("{")
            words = rest.split(" ")
            if words[0] or not opening:
                return None
            labels = self._label_sets.get(inside) or self._learn_labels(inside)
        else:
            words = line.split(" ")
            name = words[0]
            labels = ()
        known = self._metric_names.get(name) or self._names.metric(name)
        if known is None or labels is None or not 2 <= len(words) <= 3:
            return None
        value = self._values.get(words[1])
        if value is None:
            value = self._learn_value(words[1])
            if value is None:
                return None
        if len(words) == 2:
            self._remember(series, known, labels)
            return _new_sample(Sample, (known, labels, value, None))
        timestamp = self._timestamps.get(words[2])
        if timestamp is None:
            timestamp = self._learn_timestamp(words[2])
            if timestamp is None:
                return None
        self._remember(series.rpartition(" ")[0], known, labels)  # the text before the value
        return _new_sample(Sample, (known, labels, value, timestamp))

    def _remember(self, series: str, known: str, labels: Labels) -> None:
        self._series[series] = (known, labels)
        self._cache.text += len(series)

    def _learn_labels(self, text: str) -> Labels | None:
        labels = self.labels(text)
        if labels is not None:
            self._label_sets[text] = labels
            self._cache.text += len(text)
        return labels

    def labels(self, text: str) -> Labels | None:
        """``a="x",b="y"`` (between the braces) as pairs, if it has exactly that shape."""
        if not text:
            return ()
        if text[-1] != '"':
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
            if len(self._values) >= MAX_NUMBERS:
                self._values.clear()
            self._values[text] = value
        return value

    def _learn_timestamp(self, text: str) -> int | None:
        timestamp = self._timestamp_ms(text)
        if timestamp is not None:
            if len(self._timestamps) >= MAX_NUMBERS:
                self._timestamps.clear()
            self._timestamps[text] = timestamp
        return timestamp


def _distinct(pairs: list[tuple[str, str]]) -> bool:
    """No label name twice; one or two labels (most samples) need no set."""
    if len(pairs) <= 2:
        return pairs[0][0] != pairs[-1][0] or len(pairs) == 1
    return len(dict(pairs)) == len(pairs)

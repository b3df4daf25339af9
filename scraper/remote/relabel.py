"""write_relabel_configs: which series an endpoint gets (keep and drop, as in Prometheus)."""

from __future__ import annotations

from collections.abc import Sequence

import re2

from model.samples import Labels
from scraper.config.model import RelabelRule
from scraper.config.rules import QUIET


class Relabeler:
    """Applies the rules in order; a series dropped by one is not looked at by the next."""

    def __init__(self, rules: Sequence[RelabelRule]) -> None:
        self._rules = [
            (
                rule.action == "keep",
                rule.source_labels,
                rule.separator,
                re2.compile(rule.regex, QUIET),
            )
            for rule in rules
        ]

    def keeps(self, name: str, labels: Labels) -> bool:
        if not self._rules:
            return True
        values = dict(labels)
        values["__name__"] = name
        for keep, sources, separator, regex in self._rules:
            text = separator.join(values.get(source, "") for source in sources)
            if (regex.fullmatch(text) is not None) != keep:
                return False
        return True

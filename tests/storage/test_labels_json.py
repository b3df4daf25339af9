"""A series' labels as stored: the JSON text its hash is taken over, so it must never change."""

from __future__ import annotations

import json

from model.samples import Labels
from storage.series import labels_json

AWKWARD: list[Labels] = [
    (("job", "node"), ("instance", "host1:9100"), ("id", "12")),
    (("path", 'C:\\dir "quoted"'), ("é", "ü\n\t\u2028\x00\x7f"), ("emoji", "\U0001f600")),
    (("a", "first"), ("a", "second")),
    (),
]


def test_labels_are_written_as_json_dumps_writes_them_sorted_and_compact() -> None:
    for labels in AWKWARD:
        expected = json.dumps(dict(sorted(labels)), ensure_ascii=False, separators=(",", ":"))
        assert labels_json(labels) == expected

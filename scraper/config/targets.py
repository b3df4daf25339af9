"""Target groups, as static_configs lists them and file_sd files hold them."""

from __future__ import annotations

import os
from collections.abc import Callable

from model.errors import ConfigError
from scraper.config import rules
from scraper.config.model import Pairs, StaticGroup
from scraper.config.nodes import Node, Reader, string
from scraper.config.rules import quote
from scraper.config.sections import GROUP


class Unique:
    """A converter that also refuses a value it already returned, saying where it first was."""

    def __init__(self, convert: Callable[[Node], str]) -> None:
        self._convert = convert
        self._seen: dict[str, Node] = {}

    def __call__(self, node: Node) -> str:
        value = self._convert(node)
        first = self._seen.setdefault(value, node)
        if first is not node:
            mark = first.start_mark
            raise ConfigError(
                f"{quote(value)} is a duplicate of line {mark.line + 1}, column {mark.column + 1}"
            )
        return value


def read_target_file(path: str | os.PathLike[str]) -> tuple[StaticGroup, ...]:
    """The groups of a file_sd file: YAML or JSON ``[{targets: [...], labels: {...}}]``.

    Raises :class:`ConfigErrors` naming every problem's file, line and column.
    """
    reader = Reader(os.fspath(path))
    groups = read_groups(reader, reader.root(), "target groups")
    reader.check()
    return groups


def read_groups(reader: Reader, node: Node | None, key: str) -> tuple[StaticGroup, ...]:
    """A list of groups; an address may appear once across all of them."""
    unique = Unique(lambda item: rules.address(string(item)))
    return tuple(_group(reader, item, unique) for item in reader.items(node, key))


def _group(reader: Reader, node: Node, unique: Unique) -> StaticGroup:
    fields = reader.fields(node, GROUP)
    targets = (
        reader.read(item, "targets", unique)
        for item in reader.items(fields.get("targets"), "targets")
    )
    labels = read_labels(reader, fields.get("labels"))
    return StaticGroup(tuple(target for target in targets if target is not None), labels)


def read_labels(reader: Reader, node: Node | None) -> Pairs:
    """Label names and string values, sorted by name."""
    labels = []
    for name, key_node, value_node in reader.pairs(node, "labels"):
        valid = reader.read(key_node, "labels", lambda key: rules.label_name(string(key)))
        value = reader.read(value_node, f"label {quote(name)}", string)
        if valid is not None and value is not None:
            labels.append((name, value))
    return tuple(sorted(labels))

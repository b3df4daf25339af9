"""Walking a YAML node tree: typed values out, every problem kept with its file position.

``yaml.compose`` keeps each node's position, which ``safe_load`` throws away; reading the nodes
ourselves lets every error point at the exact key or value, and lets one pass report them all.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import yaml
from yaml.constructor import SafeConstructor

from model.errors import ConfigError, ConfigErrors
from scraper.config.rules import quote
from scraper.config.units import parse_duration, parse_size

T = TypeVar("T")
Node = yaml.Node
Fields = dict[str, Node]

_STR, _INT, _FLOAT, _BOOL, _NULL = (
    f"tag:yaml.org,2002:{tag}" for tag in ("str", "int", "float", "bool", "null")
)


@dataclass(frozen=True)
class Section:
    """The keys a mapping may hold; ``unsupported`` are Prometheus's keys hostwatch refuses."""

    name: str
    known: tuple[str, ...]
    unsupported: tuple[str, ...] = ()

    def refusal(self, key: str) -> str:
        if key in self.unsupported:
            return f"key {quote(key)} is not supported by hostwatch"
        close = difflib.get_close_matches(key, self.known, n=1)
        hint = f"did you mean {quote(close[0])}?" if close else f"expected {', '.join(self.known)}"
        return f"unknown key {quote(key)} in {self.name}; {hint}"


class Reader:
    """Reads one file's nodes, collecting problems instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ConfigError] = []

    def root(self) -> Node | None:
        """The file's root node, None if it is empty; an unreadable file stops the reading."""
        try:
            text = read_text(self.file)
        except ConfigError as error:
            raise ConfigErrors([error]) from None
        # YAML refuses tabs as indentation; JSON allows them there and nowhere else.
        return self._compose(text.replace("\t", " ") if self.file.endswith(".json") else text)

    def _compose(self, text: str) -> Node | None:
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark, reason = _where(error)
            line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        except yaml.reader.ReaderError as error:  # a character YAML refuses, at an offset
            before = text[: error.position]
            line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
            reason = error.reason
        syntax = "JSON" if self.file.endswith(".json") else "YAML"
        message = f"invalid {syntax}: {reason}"
        problem = ConfigError(message, file=self.file, line=line, column=column)
        raise ConfigErrors([problem])

    def resolve(self, path: str) -> str:
        """A path named in the file, taken relative to the file's directory."""
        return os.path.normpath(os.path.join(os.path.dirname(self.file), path))

    def problem(self, node: Node, message: str) -> None:
        mark = node.start_mark
        line, column = mark.line + 1, mark.column + 1
        self.problems.append(ConfigError(message, file=self.file, line=line, column=column))

    def check(self) -> None:
        """Raise every problem found so far, in file order."""
        if self.problems:
            raise ConfigErrors(sorted(self.problems, key=lambda error: (error.line, error.column)))

    def read(self, node: Node, key: str, convert: Callable[[Node], T]) -> T | None:
        """``convert(node)``, or None once its error is recorded against ``key``."""
        try:
            return convert(node)
        except ConfigError as error:
            self.problem(node, f"{key}: {error.message}")
            return None

    def get(self, fields: Fields, key: str, convert: Callable[[Node], T], default: T) -> T:
        """The converted value of ``key``; ``default`` if it is absent or wrong (and recorded)."""
        value = self.read(fields[key], key, convert) if key in fields else None
        return default if value is None else value

    def required(
        self, node: Node | None, fields: Fields, key: str, convert: Callable[[Node], T]
    ) -> T | None:
        if key not in fields and node is not None:
            self.problem(node, f"missing required key {quote(key)}")
        return self.read(fields[key], key, convert) if key in fields else None

    def items(self, node: Node | None, key: str) -> list[Node]:
        """The entries of a list (none for an empty value)."""
        if node is None or node.tag == _NULL:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{key}: expected a list, got {describe(node)}")
            return []
        return list(node.value)

    def pairs(self, node: Node | None, key: str) -> list[tuple[str, Node, Node]]:
        """A mapping's (name, key node, value node), each name once (an empty value: none)."""
        if node is None or node.tag == _NULL:
            return []
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{key}: expected a mapping, got {describe(node)}")
            return []
        pairs, seen = [], set()
        for key_node, value_node in node.value:
            name = self.read(key_node, key, string)
            if name in seen:
                self.problem(key_node, f"key {quote(str(name))} is repeated in {key}")
            elif name is not None:
                seen.add(name)
                pairs.append((name, key_node, value_node))
        return pairs

    def fields(self, node: Node | None, section: Section) -> Fields:
        """A mapping's values by key, after refusing keys the section does not know."""
        fields: Fields = {}
        for name, key_node, value_node in self.pairs(node, section.name):
            if name in section.known:
                fields[name] = value_node
            else:
                self.problem(key_node, section.refusal(name))
        return fields


def read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise ConfigError(f"cannot read {quote(path)}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"cannot read {quote(path)}: not UTF-8 (byte {error.start})") from None


def describe(node: Node) -> str:
    """A node as an error message quotes it: its text, or what kind of thing it is."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _NULL:
        return "nothing"
    return quote(node.value) if node.tag == _STR else str(node.value)


def string(node: Node) -> str:
    if node.tag != _STR:
        raise ConfigError(f"expected a string, got {describe(node)}")
    return str(node.value)


def boolean(node: Node) -> bool:
    if not (isinstance(node, yaml.ScalarNode) and node.tag == _BOOL):
        raise ConfigError(f"expected true or false, got {describe(node)}")
    return bool(SafeConstructor().construct_yaml_bool(node))


def integer(node: Node) -> int:
    if not (isinstance(node, yaml.ScalarNode) and node.tag == _INT):
        raise ConfigError(f"expected a whole number, got {describe(node)}")
    return int(SafeConstructor().construct_yaml_int(node))


def number(node: Node) -> float:
    """A whole or decimal number (YAML's int or float)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == _INT:
        return float(integer(node))
    if not (isinstance(node, yaml.ScalarNode) and node.tag == _FLOAT):
        raise ConfigError(f"expected a number, got {describe(node)}")
    return float(SafeConstructor().construct_yaml_float(node))


def duration(node: Node) -> float:
    if node.tag != _STR:
        raise ConfigError(f"expected a duration like 30s, got {describe(node)}")
    return parse_duration(node.value)


def size(node: Node) -> int:
    """A byte size: a number of bytes or a string like ``10MiB``."""
    if node.tag == _INT:
        return integer(node)
    if node.tag != _STR:
        raise ConfigError(f"expected a size like 10MiB, got {describe(node)}")
    return parse_size(node.value)


# Constructs that may span lines: left open, the parser notices only where it gives up, often
# the end of the file, which says nothing of where the problem is; where they began does.
_UNCLOSED = {"flow sequence": "[", "flow mapping": "{", "quoted scalar": "quote"}


def _where(error: yaml.MarkedYAMLError) -> tuple[yaml.Mark | None, str]:
    """Where to point for ``error``, and what to say."""
    opened = _UNCLOSED.get((error.context or "").split(" a ")[-1], "")
    begun, end = error.context_mark, error.problem_mark
    if not (opened and begun and end) or begun.line == end.line:
        return end or begun, str(error.problem)
    if end.index >= len((end.buffer or "").rstrip("\0\n")):
        return begun, f"this {opened} is never closed ({error.problem} at the end of the file)"
    return end, f"{error.problem} (inside the {opened} begun at line {begun.line + 1})"

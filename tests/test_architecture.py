"""The allowed import directions of docs/architecture.md, read from the code's ``ast``."""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cli", "exporter", "model", "promql", "scraper", "storage", "web")

# A package may not import any of these (a unit is a top-level package or a subpackage).
FORBIDDEN = {
    "cli": ("exporter", "model", "promql", "scraper", "storage", "web"),
    "exporter": ("model", "promql", "scraper", "storage", "web"),
    "model": ("exporter", "promql", "scraper", "storage", "web"),
    "storage": ("promql", "scraper", "web"),
    "promql": ("exporter", "scraper", "web"),
    "scraper": ("web",),
    "web": ("scraper",),
}


# What the base dependencies of pyproject.toml are imported as.
BASE_MODULES = {
    "psutil": "psutil",
    "prometheus-client": "prometheus_client",
    "pyyaml": "yaml",
    "bcrypt": "bcrypt",
}


def modules(packages: tuple[str, ...] = PACKAGES) -> Iterator[tuple[str, Path]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imported(name: str, path: Path) -> set[str]:
    """The hostwatch modules ``path`` (module ``name``) imports, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.update(_from(base, alias.name) for alias in node.names)
    return {module for module in found if module.split(".")[0] in PACKAGES}


def third_party(path: Path) -> set[str]:
    """The top-level names of what ``path`` imports from outside hostwatch and the stdlib."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - set(PACKAGES) - {"__future__"}


def _from(base: str, name: str) -> str:
    """What ``from base import name`` depends on: the module ``base.name`` if there is one
    (then ``base`` only as its package), else ``base`` itself."""
    module = ROOT.joinpath(*base.split("."), name)
    is_module = module.with_suffix(".py").exists() or (module / "__init__.py").exists()
    return f"{base}.{name}" if is_module else base


def unit(module: str) -> str:
    """What a cycle is counted between: a subpackage (web.http, scraper.parser, ...), or a
    module directly in a top-level package (web.app, scraper.buffer), or a package's root."""
    parts = module.split(".")
    if len(parts) > 1 and (ROOT.joinpath(*parts[:2]) / "__init__.py").exists():
        return ".".join(parts[:2])
    if len(parts) > 1 and ROOT.joinpath(*parts[:2]).with_suffix(".py").exists():
        return ".".join(parts[:2])
    return parts[0]


def unit_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules():
        edges = graph.setdefault(unit(name), set())
        edges.update(unit(target) for target in imported(name, path) if unit(target) != unit(name))
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle among the units, or [] if there is none (depth-first search)."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        for target in sorted(graph.get(node, ())):
            if found := visit(target, [*path, node]):
                return found
        done.add(node)
        return []

    for start in sorted(graph):
        if found := visit(start, []):
            return found
    return []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_it_must_not(package: str) -> None:
    wrong = [
        f"{name} imports {target}"
        for name, path in modules()
        if name.split(".")[0] == package
        for target in sorted(imported(name, path))
        if target.split(".")[0] in FORBIDDEN[package]
    ]
    assert wrong == []


def test_the_exporter_and_cli_import_only_the_base_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {BASE_MODULES[requirement.split(">")[0]] for requirement in project["dependencies"]}
    wrong = [
        f"{name} imports {module}"
        for name, path in modules(("cli", "exporter"))
        for module in sorted(third_party(path) - base)
    ]
    assert wrong == []


def test_no_import_cycle_between_packages_or_subpackages() -> None:
    assert cycle(unit_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("from . import errors\nfrom .. import views\nfrom ..views.units import x\n")
    expected = {"web.http.errors", "web.views", "web.views.units"}
    assert imported("web.http.module", module) == expected

"""file_sd files, YAML or JSON, become target groups; a bad one names file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.errors import ConfigErrors
from scraper.config import StaticGroup, read_target_file


def test_a_yaml_file_lists_groups_with_sorted_labels(tmp_path: Path) -> None:
    path = tmp_path / "web.yml"
    path.write_text("- targets: [web1:9100, web2:9100]\n  labels: {role: web, dc: eu}\n")
    assert read_target_file(path) == (
        StaticGroup(("web1:9100", "web2:9100"), (("dc", "eu"), ("role", "web"))),
    )


def test_a_tab_indented_json_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_text('[\n\t{\n\t\t"targets": ["db1:9187"],\n\t\t"labels": {"role": "db"}\n\t}\n]\n')
    assert read_target_file(path) == (StaticGroup(("db1:9187",), (("role", "db"),)),)


def test_an_empty_file_holds_no_groups(tmp_path: Path) -> None:
    path = tmp_path / "none.yml"
    path.write_text("")
    assert read_target_file(path) == ()


def test_a_bad_target_is_located_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"targets": ["ok:1",\n  "no-port"]}]\n')
    with pytest.raises(ConfigErrors) as raised:
        read_target_file(path)
    assert str(raised.value) == (
        f'{path}:2:3: targets: expected host:port like 10.0.0.5:9100 or [::1]:9100, got "no-port"'
    )


def test_a_file_that_is_not_a_list_of_groups_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text("targets: [a:1]\n")
    with pytest.raises(ConfigErrors) as raised:
        read_target_file(path)
    assert str(raised.value) == f"{path}:1:1: target groups: expected a list, got a mapping"


def test_a_json_syntax_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"targets": ["a:1"]]\n')
    with pytest.raises(ConfigErrors) as raised:
        read_target_file(path)
    assert str(raised.value) == f"{path}:1:21: invalid JSON: expected ',' or '}}', but got ']'"

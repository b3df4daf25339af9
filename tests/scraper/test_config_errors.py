"""Every invalid targets.yml is refused with one ``file:line:column: message`` per problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from model.errors import ConfigError, ConfigErrors
from scraper.config import load


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # so messages name "targets.yml", as an operator wrote it


def problems(text: str) -> str:
    Path("targets.yml").write_text(textwrap.dedent(text))
    with pytest.raises(ConfigErrors) as raised:
        load("targets.yml")
    return str(raised.value)


def job(body: str) -> str:
    """The problems of one job whose first key is on line 3, indented by 4."""
    return problems("scrape_configs:\n  - job_name: node\n" + textwrap.indent(body, "    "))


def test_a_yaml_syntax_error_names_its_line_and_column() -> None:
    assert problems("scrape_configs: [\n  a: b: c\n") == (
        "targets.yml:2:7: invalid YAML: expected ',' or ']', but got ':' "
        "(inside the [ begun at line 1)"
    )


def test_a_bracket_never_closed_is_reported_where_it_opens_not_at_the_end_of_the_file() -> None:
    text = 'scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ["a:1"\n'

    assert problems(text + "\n# a comment\n\n") == (
        "targets.yml:4:18: invalid YAML: this [ is never closed "
        "(expected ',' or ']', but got '<stream end>' at the end of the file)"
    )


def test_a_quote_never_closed_is_reported_where_it_opens() -> None:
    text = 'scrape_configs:\n  - job_name: "node\n    scrape_interval: 30s\n'

    assert problems(text) == (
        "targets.yml:2:15: invalid YAML: this quote is never closed "
        "(found unexpected end of stream at the end of the file)"
    )


def test_a_character_yaml_refuses_is_located() -> None:
    assert problems('scrape_configs:\n  - job_name: "a\x01"\n') == (
        "targets.yml:2:17: invalid YAML: special characters are not allowed"
    )


def test_a_missing_file_is_one_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r'^cannot read "absent.yml": No such file or directory$'):
        load("absent.yml")


def test_an_unknown_key_suggests_the_closest_known_one() -> None:
    assert job("scrape_intervl: 30s\n") == (
        'targets.yml:3:5: unknown key "scrape_intervl" in a job; did you mean "scrape_interval"?'
    )


def test_an_unknown_key_far_from_any_lists_the_known_ones() -> None:
    assert problems("global:\n  colour: blue\n") == (
        'targets.yml:2:3: unknown key "colour" in global; expected scrape_interval, '
        "scrape_timeout, sample_limit, body_size_limit, label_limit, label_name_length_limit, "
        "label_value_length_limit"
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("rule_files: []\n", "rule_files"),
        ("global:\n  external_labels: {}\n", "external_labels"),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs: []\n", "relabel_configs"),
        (
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: []\n",
            "kubernetes_sd_configs",
        ),
    ],
)
def test_a_prometheus_key_hostwatch_lacks_is_refused_as_unsupported(text: str, key: str) -> None:
    assert problems(text).endswith(f': key "{key}" is not supported by hostwatch')


def test_a_repeated_key_is_refused_where_it_repeats() -> None:
    assert job("scheme: http\nscheme: https\n") == (
        'targets.yml:4:5: key "scheme" is repeated in a job'
    )


def test_a_number_where_a_duration_belongs_is_refused() -> None:
    assert problems("global:\n  scrape_interval: 12\n") == (
        "targets.yml:2:20: scrape_interval: expected a duration like 30s, got 12"
    )


def test_a_malformed_duration_is_refused() -> None:
    assert job("scrape_interval: 30x\n") == (
        'targets.yml:3:22: scrape_interval: expected a duration like 30s, 2m or 1h30m, got "30x"'
    )


def test_a_zero_interval_is_refused() -> None:
    assert job("scrape_interval: 0s\n") == (
        "targets.yml:3:22: scrape_interval: expected a duration above 0, got 0s"
    )


def test_an_empty_value_is_named_as_nothing() -> None:
    assert job("scrape_timeout:\n") == (
        "targets.yml:3:20: scrape_timeout: expected a duration like 30s, got nothing"
    )


def test_a_timeout_longer_than_the_jobs_own_interval_is_refused() -> None:
    assert job("scrape_interval: 30s\nscrape_timeout: 1m\n") == (
        "targets.yml:4:21: scrape_timeout: 60s is longer than scrape_interval 30s"
    )


def test_a_timeout_longer_than_the_inherited_interval_is_refused() -> None:
    text = "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: a\n"
    assert problems(text + "    scrape_timeout: 20s\n") == (
        "targets.yml:5:21: scrape_timeout: 20s is longer than scrape_interval 15s"
    )


def test_a_global_timeout_longer_than_the_global_interval_is_refused() -> None:
    assert problems("global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n") == (
        "targets.yml:3:19: scrape_timeout: 6s is longer than scrape_interval 5s"
    )


def test_a_duplicate_job_name_points_back_at_the_first() -> None:
    text = "scrape_configs:\n  - job_name: node\n  - job_name: node\n"
    assert (
        problems(text) == 'targets.yml:3:15: job_name: "node" is a duplicate of line 2, column 15'
    )


def test_a_job_without_a_name_is_refused() -> None:
    assert problems("scrape_configs:\n  - scrape_interval: 1m\n") == (
        'targets.yml:2:5: missing required key "job_name"'
    )


def test_an_empty_job_name_is_refused() -> None:
    assert problems('scrape_configs:\n  - job_name: ""\n') == (
        "targets.yml:2:15: job_name: expected a non-empty string"
    )


def test_a_target_listed_twice_in_a_group_points_back_at_the_first() -> None:
    assert job("static_configs:\n  - targets: [a:1, a:1]\n") == (
        'targets.yml:4:24: targets: "a:1" is a duplicate of line 4, column 19'
    )


def test_a_target_listed_again_in_another_group_is_a_duplicate() -> None:
    assert job("static_configs:\n  - targets: [a:1]\n  - targets: [a:1]\n") == (
        'targets.yml:5:19: targets: "a:1" is a duplicate of line 4, column 19'
    )


def test_the_same_target_in_two_jobs_is_two_scrapes() -> None:
    text = "scrape_configs:\n  - job_name: a\n    static_configs: [targets: [h:1]]\n"
    Path("targets.yml").write_text(text + "  - job_name: b\n    static_configs: [targets: [h:1]]\n")
    assert [job.static_configs[0].targets for job in load("targets.yml").jobs] == [
        ("h:1",),
        ("h:1",),
    ]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("localhost", 'expected host:port like 10.0.0.5:9100 or [::1]:9100, got "localhost"'),
        ("::1:9100", 'expected host:port like 10.0.0.5:9100 or [::1]:9100, got "::1:9100"'),
        ("http://h:80", 'expected host:port like 10.0.0.5:9100 or [::1]:9100, got "http://h:80"'),
        ("h:0", 'port must be 1-65535, got "h:0"'),
        ("h:65536", 'port must be 1-65535, got "h:65536"'),
    ],
)
def test_a_target_that_is_not_host_colon_port_is_refused(target: str, message: str) -> None:
    assert job(f'static_configs:\n  - targets: ["{target}"]\n') == (
        f"targets.yml:4:19: targets: {message}"
    )


def test_a_label_name_outside_prometheus_syntax_is_refused() -> None:
    assert job("static_configs:\n  - labels: {1dc: x}\n") == (
        'targets.yml:4:18: labels: invalid label name "1dc": expected [a-zA-Z_][a-zA-Z0-9_]*'
    )


def test_a_label_name_starting_with_two_underscores_is_reserved() -> None:
    assert job("static_configs:\n  - labels: {__address__: x}\n") == (
        'targets.yml:4:18: labels: label name "__address__" is reserved '
        "(names starting with __ are for internal use)"
    )


def test_a_label_value_that_is_not_a_string_is_refused() -> None:
    assert job("static_configs:\n  - labels: {port: 80}\n") == (
        'targets.yml:4:24: label "port": expected a string, got 80'
    )


def test_a_scheme_other_than_http_or_https_is_refused() -> None:
    assert job("scheme: ftp\n") == (
        'targets.yml:3:13: scheme: expected "http" or "https", got "ftp"'
    )


def test_a_metrics_path_without_a_leading_slash_is_refused() -> None:
    assert job("metrics_path: metrics\n") == (
        'targets.yml:3:19: metrics_path: expected a path starting with /, got "metrics"'
    )


def test_basic_auth_with_both_password_and_password_file_is_refused() -> None:
    assert job("basic_auth:\n  username: u\n  password: p\n  password_file: p.txt\n") == (
        "targets.yml:6:22: basic_auth: set password or password_file, not both"
    )


def test_an_unreadable_password_file_is_refused() -> None:
    assert job("basic_auth:\n  username: u\n  password_file: absent\n") == (
        'targets.yml:5:22: password_file: cannot read "absent": No such file or directory'
    )


def test_a_negative_limit_is_refused() -> None:
    assert job("sample_limit: -1\n") == (
        "targets.yml:3:19: sample_limit: expected a number >= 0 (0 means no limit), got -1"
    )


def test_a_body_size_limit_with_an_unknown_unit_is_refused() -> None:
    assert job("body_size_limit: 5XB\n") == (
        'targets.yml:3:22: body_size_limit: expected a size like 10MiB, 512KB or 1GB, got "5XB"'
    )


def test_a_file_sd_pattern_that_is_not_json_or_yaml_is_refused() -> None:
    assert job("file_sd_configs:\n  - files: [targets.txt]\n") == (
        "targets.yml:4:17: files: expected a .json, .yml or .yaml file, at most one *, "
        'got "targets.txt"'
    )


def test_a_list_where_a_mapping_belongs_is_refused() -> None:
    assert problems("global: [1]\n") == "targets.yml:1:9: global: expected a mapping, got a list"


def test_a_mapping_where_a_list_belongs_is_refused() -> None:
    assert problems("scrape_configs: {job_name: a}\n") == (
        "targets.yml:1:17: scrape_configs: expected a list, got a mapping"
    )


def test_a_boolean_written_as_a_string_is_refused() -> None:
    assert job('honor_labels: "yes"\n') == (
        'targets.yml:3:19: honor_labels: expected true or false, got "yes"'
    )


def test_every_problem_is_reported_in_file_order() -> None:
    text = "scrape_configs:\n  - job_name: a\n    scheme: ftp\n    sample_limit: -1\n"
    text += "global:\n  scrape_interval: 1x\n"
    assert problems(text).splitlines() == [
        'targets.yml:3:13: scheme: expected "http" or "https", got "ftp"',
        "targets.yml:4:19: sample_limit: expected a number >= 0 (0 means no limit), got -1",
        'targets.yml:6:20: scrape_interval: expected a duration like 30s, 2m or 1h30m, got "1x"',
    ]


def test_each_problem_is_kept_with_its_position() -> None:
    Path("targets.yml").write_text("scrape_configs:\n  - job_name: a\n    scheme: ftp\n")
    with pytest.raises(ConfigErrors) as raised:
        load("targets.yml")
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.column) == ("targets.yml", 3, 13)
